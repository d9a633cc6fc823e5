package io.quorumkeeper.operator.config;

import io.quorumkeeper.operator.model.ModelSettings;
import io.quorumkeeper.operator.security.TlsSettings;
import java.time.Duration;
import java.util.Set;

/**
 * The settings one reconciler works with, as a plain value: built from {@link OperatorConfig} in
 * the Quarkus app and directly in tests and the local runtime.
 */
public record OperatorSettings(
    ModelSettings model,
    Set<String> supportedKafkaVersions,
    Observation observation,
    HealingSettings healing,
    TlsSettings tls,
    RollSettings roll) {

  /** See {@link OperatorConfig.Heal}. */
  public record HealingSettings(Duration strandedGrace) {}

  /** See {@link OperatorConfig.Roll}. */
  public record RollSettings(Duration settle) {}

  /** See {@link OperatorConfig.Observe}. */
  public record Observation(
      Duration interval,
      Duration timeout,
      int threads,
      Duration caughtUpWithin,
      Duration refreshEvery) {}

  public OperatorSettings {
    supportedKafkaVersions = Set.copyOf(supportedKafkaVersions);
  }

  public static OperatorSettings from(OperatorConfig config) {
    OperatorConfig.Observe o = config.observe();
    return new OperatorSettings(
        new ModelSettings(
            config.imageRepository(),
            config.imagePullPolicy(),
            config.operatorNamespace().filter(ns -> !ns.isBlank())),
        config.supportedKafkaVersions(),
        new Observation(
            o.interval(), o.timeout(), o.threads(), o.caughtUpWithin(), o.refreshEvery()),
        new HealingSettings(config.heal().strandedGrace()),
        new TlsSettings(
            config.tls().caValidity(),
            config.tls().certificateValidity(),
            config.tls().renewBefore(),
            config.tls().caRenewBefore()),
        new RollSettings(config.roll().settle()));
  }

  /** The defaults of {@link OperatorConfig}. */
  public static OperatorSettings defaults() {
    return new OperatorSettings(
        new ModelSettings("quorum-keeper/quorum-node", "IfNotPresent"),
        Set.of("4.3.1", "4.4.0"),
        new Observation(
            Duration.ofSeconds(2),
            Duration.ofSeconds(3),
            4,
            Duration.ofSeconds(2),
            Duration.ofSeconds(30)),
        new HealingSettings(Duration.ofMinutes(2)),
        TlsSettings.defaults(),
        new RollSettings(Duration.ofSeconds(10)));
  }

  public OperatorSettings withHealing(HealingSettings healing) {
    return new OperatorSettings(model, supportedKafkaVersions, observation, healing, tls, roll);
  }

  public OperatorSettings withObservation(Observation observation) {
    return new OperatorSettings(model, supportedKafkaVersions, observation, healing, tls, roll);
  }

  public OperatorSettings withTls(TlsSettings tls) {
    return new OperatorSettings(model, supportedKafkaVersions, observation, healing, tls, roll);
  }
}
