package io.quorumkeeper.operator.model;

import java.util.Optional;

/**
 * Operator-wide settings that shape rendered objects.
 *
 * @param imageRepository repository of the quorum-node image; the tag is the Kafka version
 * @param imagePullPolicy the pods' image pull policy
 * @param operatorNamespace the namespace the operator's own pods run in, which the clusters'
 *     NetworkPolicies admit them from alone; when unknown, from any namespace
 */
public record ModelSettings(
    String imageRepository, String imagePullPolicy, Optional<String> operatorNamespace) {

  public ModelSettings(String imageRepository, String imagePullPolicy) {
    this(imageRepository, imagePullPolicy, Optional.empty());
  }

  public String image(String kafkaVersion) {
    return imageRepository + ":" + kafkaVersion;
  }
}
