package io.quorumkeeper.operator.config;

import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;

/**
 * How JOSDK talks to the API server, for an Operator built outside Quarkus (tests, the local
 * runtime). The Quarkus app gets the same through {@code quarkus.operator-sdk.enable-ssa=false} in
 * application.properties: no server-side apply anywhere, only create, update with a resourceVersion
 * and JSON merge patch, so tests, the local runtime (Fabric8's mock server has no server-side
 * apply) and real clusters run one code path.
 */
public final class JosdkSettings {

  private JosdkSettings() {}

  public static ConfigurationServiceOverrider apply(ConfigurationServiceOverrider overrider) {
    return overrider
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false);
  }

  /** As {@link #apply(ConfigurationServiceOverrider)}, with leader election when it is on. */
  public static ConfigurationServiceOverrider apply(
      ConfigurationServiceOverrider overrider, Leadership leadership) {
    apply(overrider);
    leadership.josdkConfiguration().ifPresent(overrider::withLeaderElectionConfiguration);
    return overrider;
  }
}
