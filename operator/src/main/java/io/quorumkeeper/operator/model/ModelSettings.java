package io.quorumkeeper.operator.model;

/**
 * Operator-wide settings that shape rendered objects.
 *
 * @param imageRepository repository of the quorum-node image; the tag is the Kafka version
 * @param imagePullPolicy the pods' image pull policy
 */
public record ModelSettings(String imageRepository, String imagePullPolicy) {

  public String image(String kafkaVersion) {
    return imageRepository + ":" + kafkaVersion;
  }
}
