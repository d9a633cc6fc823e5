package io.quorumkeeper.operator.config;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * Leader election among operator replicas as a plain value: built from {@link OperatorConfig} in
 * the Quarkus app and directly in tests. See {@link OperatorConfig.LeaderElection}.
 *
 * @param exitOnLoss whether a replica that loses the Lease exits the JVM (always in the app; tests
 *     that run two operators in one JVM rely on {@link Leadership} alone)
 */
public record LeaderElectionSettings(
    boolean enabled,
    String leaseName,
    Optional<String> leaseNamespace,
    String identity,
    Duration leaseDuration,
    Duration renewDeadline,
    Duration retryPeriod,
    boolean exitOnLoss) {

  public static final String DEFAULT_LEASE_NAME = "quorum-keeper-operator";

  public static LeaderElectionSettings from(OperatorConfig config) {
    OperatorConfig.LeaderElection e = config.leaderElection();
    return new LeaderElectionSettings(
        e.enabled(),
        e.leaseName(),
        e.leaseNamespace(),
        e.identity().orElseGet(LeaderElectionSettings::podName),
        e.leaseDuration(),
        e.renewDeadline(),
        e.retryPeriod(),
        true);
  }

  /** One replica acting alone, as before leader election. */
  public static LeaderElectionSettings off() {
    return new LeaderElectionSettings(
        false,
        DEFAULT_LEASE_NAME,
        Optional.empty(),
        podName(),
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        true);
  }

  /** A pod's HOSTNAME is its name; outside a pod a random name keeps replicas apart. */
  private static String podName() {
    String hostname = System.getenv("HOSTNAME");
    return hostname == null || hostname.isBlank() ? UUID.randomUUID().toString() : hostname;
  }
}
