package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * A restarted voter is ready only once it holds what the quorum committed, not on the leader it
 * remembers: its pod's readiness is what the PodDisruptionBudget counts, and a drain may evict
 * another voter as soon as this one counts as healthy. The voter comes back while the leader it
 * remembers is gone too, so that it cannot fetch until the two voters left elect a new leader.
 */
class ReadinessKraftTest {

  static final String CONTROLLERS = "qk-ready";
  static final List<Pod> PODS =
      IntStream.range(0, 3).mapToObj(i -> new Pod(CONTROLLERS, i, "127.0.79." + (10 + i))).toList();

  @TempDir Path root;
  private NodeProcesses nodes;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  void aRestartedVoterWhoseLeaderIsGoneIsNotReadyUntilItFollowsANewOne() throws Exception {
    String bootstrap = NodeProcesses.bootstrapControllers(PODS);
    nodes = NodeProcesses.forThisJvm(root);
    nodes.writeHosts(PODS);
    nodes.writeConfigMap(
        CONTROLLERS,
        NodeProcesses.plaintextControllerTemplate(bootstrap),
        NodeProcesses.controllerBootstrap(
            PODS, NodeProcesses.randomDirectoryIds(3), Uuid.randomUuid().toString(), false));
    PODS.forEach(nodes::start);
    QuorumInfo formed;
    try (ControllerAdmin admin = new ControllerAdmin(bootstrap)) {
      formed =
          awaitForming("a leader with two followers caught up")
              .until(
                  admin::quorum,
                  q ->
                      q.leaderId() >= 0 && q.voters().stream().allMatch(v -> v.logEndOffset() > 0));
    }
    int leader = formed.leaderId();
    Pod follower = PODS.stream().filter(p -> p.ordinal() != leader).findFirst().orElseThrow();
    awaitForming("the follower ready")
        .until(() -> nodes.agentGet(follower, "/v1/readyz").statusCode() == 200);

    nodes.kill(follower);
    nodes.kill(PODS.get(leader));
    nodes.start(follower);

    // Every answer of the restarted voter's agent until it is ready again: ready must never come
    // while it follows the leader that is gone.
    List<String> seen = new ArrayList<>();
    awaitForming("the restarted voter ready under a new leader")
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> {
              JsonNode node = nodes.node(follower);
              int status = nodes.agentGet(follower, "/v1/readyz").statusCode();
              seen.add(status + " " + node.path("raftState").asText() + " " + node.get("leaderId"));
              return status == 200;
            });
    assertThat(seen)
        .as("readiness answers (status, raft state, leader) after the restart")
        .noneMatch(line -> line.equals("200 follower " + leader));
    JsonNode now = nodes.node(follower);
    assertThat(now.get("leaderId").asInt()).isNotEqualTo(leader);
    assertThat(now.get("highWatermark").asLong()).isNotNegative();
  }
}
