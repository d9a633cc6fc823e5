package io.quorumkeeper.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Set;

/** Operator-wide settings, from application.properties or QUORUMKEEPER_* environment variables. */
@ConfigMapping(prefix = "quorumkeeper")
public interface OperatorConfig {

  /** Repository of the quorum-node image; the tag is the cluster's Kafka version. */
  @WithDefault("quorum-keeper/quorum-node")
  String imageRepository();

  /** Image pull policy of the pods. */
  @WithDefault("IfNotPresent")
  String imagePullPolicy();

  /** Kafka versions there is a quorum-node image for. */
  @WithDefault("4.4.0")
  Set<String> supportedKafkaVersions();
}
