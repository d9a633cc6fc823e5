package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller whose raft thread stops (as on a disk that blocks its writes) keeps the metrics it
 * last had: a follower of a known leader, holding the high watermark. Its agent must still stop
 * answering ready, so that the PodDisruptionBudget does not count it and let a drain evict a second
 * voter while the leader and one follower carry the quorum (ADR 031). The other follower, whose
 * high watermark keeps moving, stays ready throughout.
 */
class StalledControllerKraftTest {

  static final String CONTROLLERS = "qk-stall";
  static final int JDWP_PORT = 18005;
  static final List<Pod> PODS =
      IntStream.range(0, 3).mapToObj(i -> new Pod(CONTROLLERS, i, "127.0.81." + (10 + i))).toList();

  /** Kafka's raft thread, {@code kafka-<node id>-raft-io-thread}. */
  static final Pattern RAFT_THREAD = Pattern.compile("raft-io-thread");

  @TempDir Path root;
  private NodeProcesses nodes;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  void aFollowerWhoseRaftThreadStops_isNotReady_whileTheOthersCommit_andReadyOnceItMovesAgain()
      throws Exception {
    String bootstrap = startQuorum("");
    try (ControllerAdmin admin = new ControllerAdmin(bootstrap)) {
      int leader = formed(admin).leaderId();
      List<Pod> followers = PODS.stream().filter(p -> p.ordinal() != leader).toList();
      Pod stalled = followers.get(0);
      Pod healthy = followers.get(1);
      for (Pod pod : PODS) {
        awaitForming(pod.name() + " ready")
            .until(() -> nodes.agentGet(pod, "/v1/readyz").statusCode() == 200);
      }

      long highWatermarkAtStall;
      try (JvmThreads threads = JvmThreads.attach(stalled.ip(), JDWP_PORT)) {
        List<String> suspended = threads.suspend(RAFT_THREAD);
        highWatermarkAtStall = nodes.node(stalled).get("highWatermark").asLong();
        long leaderEndAtStall = leaderLogEnd(admin, leader);

        awaitForming("the stalled voter not ready")
            .pollInterval(Duration.ofMillis(200))
            .until(() -> nodes.agentGet(stalled, "/v1/readyz").statusCode() == 503);
        assertThat(nodes.node(stalled).path("raftState").asText())
            .as("the stalled voter's last metrics, %s suspended", suspended)
            .isEqualTo("follower");
        assertThat(nodes.node(stalled).get("highWatermark").asLong())
            .isEqualTo(highWatermarkAtStall);
        assertThat(Files.readString(nodes.log(stalled)))
            .contains("is not_ready: stalled: as follower of leader " + leader);
        assertThat(leaderLogEnd(admin, leader))
            .as("the leader and the other follower commit meanwhile")
            .isGreaterThan(leaderEndAtStall);
        assertThat(nodes.agentGet(healthy, "/v1/readyz").statusCode())
            .as("the follower whose high watermark moves")
            .isEqualTo(200);
        assertThat(nodes.agentGet(PODS.get(leader), "/v1/readyz").statusCode())
            .as("the leader")
            .isEqualTo(200);

        threads.resumeAll();
      }
      awaitForming("the voter ready again once its raft thread runs")
          .until(() -> nodes.agentGet(stalled, "/v1/readyz").statusCode() == 200);
      assertThat(nodes.node(stalled).get("highWatermark").asLong())
          .isGreaterThan(highWatermarkAtStall);
    }
  }

  @Test
  void aLeaderWhoseRaftThreadStops_isNotReady_whileTheOthersElectAnother() throws Exception {
    String bootstrap = startQuorum("");
    try (ControllerAdmin admin = new ControllerAdmin(bootstrap)) {
      int leader = formed(admin).leaderId();
      Pod stalled = PODS.get(leader);
      for (Pod pod : PODS) {
        awaitForming(pod.name() + " ready")
            .until(() -> nodes.agentGet(pod, "/v1/readyz").statusCode() == 200);
      }

      try (JvmThreads threads = JvmThreads.attach(stalled.ip(), JDWP_PORT)) {
        threads.suspend(RAFT_THREAD);
        int next =
            awaitForming("another leader")
                .until(admin::quorum, q -> q.leaderId() >= 0 && q.leaderId() != leader)
                .leaderId();
        awaitForming("the stalled leader not ready")
            .pollInterval(Duration.ofMillis(200))
            .until(() -> nodes.agentGet(stalled, "/v1/readyz").statusCode() == 503);
        assertThat(nodes.node(stalled).path("raftState").asText())
            .as("the stalled leader's last metrics")
            .isEqualTo("leader");
        assertThat(Files.readString(nodes.log(stalled)))
            .contains("is not_ready: stalled: as leader in epoch");
        for (Pod pod : PODS.stream().filter(p -> p != stalled).toList()) {
          awaitForming(pod.name() + " ready under leader " + next)
              .until(() -> nodes.agentGet(pod, "/v1/readyz").statusCode() == 200);
        }
        threads.resumeAll();
      }
      awaitForming("the old leader ready again, as a follower")
          .until(() -> nodes.agentGet(stalled, "/v1/readyz").statusCode() == 200);
      assertThat(nodes.node(stalled).path("raftState").asText()).isEqualTo("follower");
    }
  }

  /**
   * Without the no-op records an idle quorum's high watermark stays put: no node may read that as a
   * stall. The followers still fetch (their pulse), and the leader is not watched.
   */
  @Test
  void withoutNoOpRecords_anIdleQuorumStaysReady() throws Exception {
    String bootstrap = startQuorum("metadata.max.idle.interval.ms=0\n");
    try (ControllerAdmin admin = new ControllerAdmin(bootstrap)) {
      formed(admin);
      for (Pod pod : PODS) {
        awaitForming(pod.name() + " ready")
            .until(() -> nodes.agentGet(pod, "/v1/readyz").statusCode() == 200);
      }
      List<Long> highWatermarks = new ArrayList<>();
      for (Pod pod : PODS) {
        highWatermarks.add(nodes.node(pod).get("highWatermark").asLong());
      }
      awaitForming("every node ready for 12 s")
          .during(Duration.ofSeconds(12))
          .atMost(Duration.ofSeconds(20))
          .ignoreNoExceptions()
          .until(
              () ->
                  PODS.stream()
                      .allMatch(
                          p -> {
                            try {
                              return nodes.agentGet(p, "/v1/readyz").statusCode() == 200;
                            } catch (Exception e) {
                              return false;
                            }
                          }));
      List<Long> after = new ArrayList<>();
      for (Pod pod : PODS) {
        after.add(nodes.node(pod).get("highWatermark").asLong());
      }
      assertThat(after)
          .as("an idle quorum without no-op records: the high watermarks stood still")
          .isEqualTo(highWatermarks);
    }
  }

  private String startQuorum(String extraConfig) {
    String bootstrap = NodeProcesses.bootstrapControllers(PODS);
    nodes = NodeProcesses.forThisJvm(root);
    nodes.writeHosts(PODS);
    nodes.writeConfigMap(
        CONTROLLERS,
        NodeProcesses.plaintextControllerTemplate(bootstrap) + extraConfig,
        NodeProcesses.controllerBootstrap(
            PODS, NodeProcesses.randomDirectoryIds(3), Uuid.randomUuid().toString(), false));
    PODS.forEach(p -> nodes.startDebuggable(p, JDWP_PORT));
    return bootstrap;
  }

  private static QuorumInfo formed(ControllerAdmin admin) {
    return awaitForming("a leader with two followers caught up")
        .until(
            admin::quorum,
            q -> q.leaderId() >= 0 && q.voters().stream().allMatch(v -> v.logEndOffset() > 0));
  }

  private static long leaderLogEnd(ControllerAdmin admin, int leader) throws Exception {
    return admin.quorum().voters().stream()
        .filter(v -> v.replicaId() == leader)
        .findFirst()
        .orElseThrow()
        .logEndOffset();
  }
}
