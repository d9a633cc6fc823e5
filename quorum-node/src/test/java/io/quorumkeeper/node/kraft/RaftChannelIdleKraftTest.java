package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka gives the raft client's connections the node's broker-wide {@code connections.max.idle.ms}:
 * a follower's fetch waits for records (up to 500 ms) on a connection that is idle meanwhile. The
 * premise of ADR 039's bound, measured on real controllers.
 */
class RaftChannelIdleKraftTest {

  static final String NODES = "qk-idle";
  static final List<Pod> PODS =
      IntStream.range(0, 3).mapToObj(i -> new Pod(NODES, i, "127.0.84." + (10 + i))).toList();
  static final Duration WATCHED = Duration.ofSeconds(20);

  @TempDir Path root;
  private NodeProcesses nodes;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  void withAnIdleLimitShorterThanAFetchsWait_theControllersKeepLosingTheirConnections()
      throws Exception {
    try (ControllerAdmin admin = start("connections.max.idle.ms=200\n")) {
      QuorumInfo formed = formed(admin);
      long before = disconnections();
      long start = System.nanoTime();

      await("ten raft connections lost")
          .atMost(WATCHED)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> disconnections() - before >= 10);

      System.out.printf(
          "connections.max.idle.ms=200: %d raft disconnections in %d ms on an idle quorum;"
              + " epoch %d, now %d%n",
          disconnections() - before,
          (System.nanoTime() - start) / 1_000_000,
          formed.leaderEpoch(),
          admin.quorum().leaderEpoch());
    }
  }

  @Test
  void withKafkasDefault_theControllersKeepTheirConnections() throws Exception {
    try (ControllerAdmin admin = start("")) {
      QuorumInfo formed = formed(admin);
      long before = disconnections();

      await("no raft connection lost")
          .during(WATCHED)
          .atMost(WATCHED.plusSeconds(5))
          .until(() -> disconnections() == before);

      assertThat(admin.quorum().leaderEpoch()).isEqualTo(formed.leaderEpoch());
    }
  }

  private ControllerAdmin start(String extraConfig) {
    nodes = NodeProcesses.forThisJvm(root);
    nodes.writeHosts(PODS);
    nodes.writeConfigMap(
        NODES,
        NodeProcesses.plaintextControllerTemplate(NodeProcesses.bootstrapControllers(PODS))
            + extraConfig,
        NodeProcesses.controllerBootstrap(
            PODS, NodeProcesses.randomDirectoryIds(3), Uuid.randomUuid().toString(), false));
    PODS.forEach(nodes::start);
    return new ControllerAdmin(NodeProcesses.bootstrapControllers(PODS));
  }

  private static QuorumInfo formed(ControllerAdmin admin) {
    return awaitForming("a leader with two followers caught up")
        .until(
            admin::quorum,
            q -> q.leaderId() >= 0 && q.voters().stream().allMatch(v -> v.logEndOffset() > 0));
  }

  private long disconnections() throws Exception {
    long count = 0;
    for (Pod p : PODS) {
      count +=
          Files.readAllLines(nodes.log(p)).stream()
              .filter(line -> line.contains("disconnected"))
              .count();
    }
    return count;
  }
}
