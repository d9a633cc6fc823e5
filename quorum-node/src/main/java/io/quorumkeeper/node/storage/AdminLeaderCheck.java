package io.quorumkeeper.node.storage;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the controllers in {@code controller.quorum.bootstrap.servers} for the quorum leader with
 * Kafka Admin ({@code bootstrap.controllers} + {@code describeMetadataQuorum}), within a short
 * deadline. Any failure — unresolvable names, refused connections, timeout, no leader elected —
 * means "no leader known". {@code security} adds the client settings of the controller listener
 * ({@link ControllerClientSecurity}): TLS with the node's own certificate on a TLS cluster.
 */
public final class AdminLeaderCheck implements LeaderCheck {

  private static final Logger LOG = LoggerFactory.getLogger(AdminLeaderCheck.class);

  private final String bootstrapControllers;
  private final Duration deadline;
  private final Map<String, String> security;

  public AdminLeaderCheck(String bootstrapControllers, Duration deadline) {
    this(bootstrapControllers, deadline, Map.of());
  }

  public AdminLeaderCheck(
      String bootstrapControllers, Duration deadline, Map<String, String> security) {
    this.bootstrapControllers = bootstrapControllers;
    this.deadline = deadline;
    this.security = Map.copyOf(security);
  }

  @Override
  public OptionalInt findLeader() {
    if (bootstrapControllers == null || bootstrapControllers.isBlank()) {
      LOG.info("no controller.quorum.bootstrap.servers to ask for a leader");
      return OptionalInt.empty();
    }
    long started = System.nanoTime();
    int timeoutMs = (int) deadline.toMillis();
    Properties props = new Properties();
    props.putAll(security);
    props.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, bootstrapControllers);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "quorum-node-leader-check");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 1000);
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 1000);
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
    props.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 500);
    try {
      QuorumInfo quorum = describeQuorum(props, timeoutMs);
      int leader = quorum.leaderId();
      LOG.info(
          "controller peers answered over {}: leader {} epoch {} ({} ms)",
          security.getOrDefault("security.protocol", "PLAINTEXT"),
          leader,
          quorum.leaderEpoch(),
          elapsedMs(started));
      return leader >= 0 ? OptionalInt.of(leader) : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    } catch (Exception e) {
      LOG.info(
          "no controller peer answered with a leader within {} ms ({}: {})",
          elapsedMs(started),
          e.getClass().getSimpleName(),
          e.getMessage());
      return OptionalInt.empty();
    }
  }

  private static QuorumInfo describeQuorum(Properties props, int timeoutMs) throws Exception {
    Admin admin = Admin.create(props);
    try {
      return admin
          .describeMetadataQuorum(new DescribeMetadataQuorumOptions().timeoutMs(timeoutMs))
          .quorumInfo()
          .get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
    } finally {
      admin.close(Duration.ofMillis(500));
    }
  }

  private static long elapsedMs(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }
}
