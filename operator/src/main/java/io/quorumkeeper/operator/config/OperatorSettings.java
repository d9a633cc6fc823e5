package io.quorumkeeper.operator.config;

import io.quorumkeeper.operator.model.ModelSettings;
import java.util.Set;

/**
 * The settings one reconciler works with, as a plain value: built from {@link OperatorConfig} in
 * the Quarkus app and directly in tests and the local runtime.
 */
public record OperatorSettings(ModelSettings model, Set<String> supportedKafkaVersions) {

  public OperatorSettings {
    supportedKafkaVersions = Set.copyOf(supportedKafkaVersions);
  }

  public static OperatorSettings from(OperatorConfig config) {
    return new OperatorSettings(
        new ModelSettings(config.imageRepository(), config.imagePullPolicy()),
        config.supportedKafkaVersions());
  }

  /** The defaults of {@link OperatorConfig}. */
  public static OperatorSettings defaults() {
    return new OperatorSettings(
        new ModelSettings("quorum-keeper/quorum-node", "IfNotPresent"), Set.of("4.4.0"));
  }
}
