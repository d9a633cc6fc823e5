package io.quorumkeeper.local.bench;

import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.QuorumInfo;

/**
 * The benchmark's own view of a controller quorum: Kafka Admin {@code describeMetadataQuorum}
 * through {@code bootstrap.controllers}, the same question for the operator's clusters and for bare
 * Kafka, so both paths are judged alike.
 */
final class QuorumProbe implements AutoCloseable {

  /** A voter last caught up longer ago than this is not counted live (Kafka's fetch timeout). */
  static final long CAUGHT_UP_WITHIN_MS = 2000;

  private final Admin admin;

  QuorumProbe(String bootstrapControllers) {
    this(bootstrapControllers, Map.of());
  }

  /**
   * @param security client TLS settings for a TLS cluster ({@link #operatorTls}), empty for
   *     plaintext
   */
  QuorumProbe(String bootstrapControllers, Map<String, Object> security) {
    Map<String, Object> config = new java.util.HashMap<>(security);
    config.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, bootstrapControllers);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 1500);
    config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    this.admin = Admin.create(config);
  }

  /**
   * The operator's own client certificate for a TLS cluster, read from the cluster's {@code
   * <name>-ca} Secret, as settings for a probe that reaches the controllers by IP address: the CA
   * is checked, host names are not (this JVM has no hosts file for the pods' names). Empty for a
   * plaintext cluster.
   */
  static Map<String, Object> operatorTls(
      io.fabric8.kubernetes.client.KubernetesClient client, String namespace, String name) {
    io.fabric8.kubernetes.api.model.Secret secret =
        client.secrets().inNamespace(namespace).withName(name + "-ca").get();
    if (secret == null || secret.getData() == null) {
      return Map.of();
    }
    java.util.function.Function<String, String> entry =
        key ->
            new String(
                java.util.Base64.getDecoder().decode(secret.getData().get(key)),
                java.nio.charset.StandardCharsets.US_ASCII);
    return Map.of(
        "security.protocol", "SSL",
        "ssl.keystore.type", "PEM",
        "ssl.keystore.key", entry.apply("operator.key"),
        "ssl.keystore.certificate.chain", entry.apply("operator.crt"),
        "ssl.truststore.type", "PEM",
        "ssl.truststore.certificates", entry.apply("ca.crt"),
        "ssl.endpoint.identification.algorithm", "");
  }

  /** One observation; a quorum that does not answer with a leader within a second is leaderless. */
  Sample sample() {
    try {
      QuorumInfo info =
          admin
              .describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(1000))
              .quorumInfo()
              .get(2, TimeUnit.SECONDS);
      return Sample.of(System.nanoTime(), info);
    } catch (ExecutionException | TimeoutException e) {
      return Sample.leaderless(System.nanoTime());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Sample.leaderless(System.nanoTime());
    }
  }

  @Override
  public void close() {
    admin.close(java.time.Duration.ofSeconds(2));
  }

  /**
   * The quorum at one moment.
   *
   * @param nanos when the answer arrived ({@link System#nanoTime()})
   * @param leaderId the leader, or -1 when none answered
   * @param voters voter node id → directory id
   * @param caughtUp how many voters are live and caught up (the leader, and every voter caught up
   *     within {@link #CAUGHT_UP_WITHIN_MS} of the leader's clock)
   * @param observers observer node id → directory id, for the caught-up observers only
   */
  record Sample(
      long nanos,
      int leaderId,
      Map<Integer, String> voters,
      int caughtUp,
      Map<Integer, String> observers) {

    static Sample leaderless(long nanos) {
      return new Sample(nanos, -1, Map.of(), 0, Map.of());
    }

    static Sample of(long nanos, QuorumInfo info) {
      if (info.leaderId() < 0) {
        return leaderless(nanos);
      }
      long leaderNow =
          info.voters().stream()
              .filter(v -> v.replicaId() == info.leaderId())
              .map(QuorumInfo.ReplicaState::lastCaughtUpTimestamp)
              .filter(OptionalLong::isPresent)
              .mapToLong(OptionalLong::getAsLong)
              .findFirst()
              .orElse(System.currentTimeMillis());
      Map<Integer, String> voters = new TreeMap<>();
      int caughtUp = 0;
      for (QuorumInfo.ReplicaState v : info.voters()) {
        voters.put(v.replicaId(), v.replicaDirectoryId().toString());
        if (v.replicaId() == info.leaderId() || caughtUp(v, leaderNow)) {
          caughtUp++;
        }
      }
      Map<Integer, String> observers = new TreeMap<>();
      for (QuorumInfo.ReplicaState o : info.observers()) {
        if (caughtUp(o, leaderNow)) {
          observers.put(o.replicaId(), o.replicaDirectoryId().toString());
        }
      }
      return new Sample(nanos, info.leaderId(), voters, caughtUp, observers);
    }

    private static boolean caughtUp(QuorumInfo.ReplicaState r, long leaderNow) {
      return r.lastCaughtUpTimestamp().isPresent()
          && leaderNow - r.lastCaughtUpTimestamp().getAsLong() <= CAUGHT_UP_WITHIN_MS;
    }

    boolean hasLeader() {
      return leaderId >= 0;
    }

    /** Voters that may still fail without losing the quorum: live caught-up minus a majority. */
    int faultTolerance() {
      return hasLeader() ? Math.max(0, caughtUp - (voters.size() / 2 + 1)) : 0;
    }

    boolean isVoter(int nodeId, String directoryId) {
      return directoryId.equals(voters.get(nodeId));
    }
  }
}
