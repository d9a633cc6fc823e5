package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static io.quorumkeeper.node.kraft.NodeProcesses.voters;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader loses its disk and its pod comes back at once, before the other voters' fetch timeout
 * tells them it is gone (ADR 019): they still name it their leader, and Kafka on the new, empty
 * disk stops itself on the first fetch answer that says so. The launcher starts Kafka only once
 * they have elected another, and the node comes back as an observer without a restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WipedLeaderKraftTest {

  static final String CONTROLLERS = "wl-controller";
  static final List<Pod> PODS =
      IntStream.range(0, 3).mapToObj(i -> new Pod(CONTROLLERS, i, "127.0.76." + (20 + i))).toList();

  @TempDir static Path root;

  private final String clusterId = Uuid.randomUuid().toString();
  private final List<String> directoryIds = NodeProcesses.randomDirectoryIds(3);
  private final String bootstrapControllers = NodeProcesses.bootstrapControllers(PODS);
  private NodeProcesses nodes;
  private ControllerAdmin admin;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @BeforeAll
  void startThreeInitialVoters() {
    nodes = NodeProcesses.forThisJvm(root);
    nodes.writeHosts(PODS);
    nodes.writeConfigMap(
        CONTROLLERS,
        // the voters notice a silent leader after 20 s instead of 2: the node is back, twice, well
        // before (and the second wait still ends within the launcher's 30 s)
        NodeProcesses.plaintextControllerTemplate(bootstrapControllers)
            + "controller.quorum.fetch.timeout.ms=20000\n",
        NodeProcesses.controllerBootstrap(PODS, directoryIds, clusterId, false));
    PODS.forEach(nodes::start);
    admin = new ControllerAdmin(bootstrapControllers);
  }

  @AfterAll
  void stopEverything() {
    if (admin != null) {
      admin.close();
    }
    nodes.close();
  }

  @Test
  void givenTheLeaderWipedAndRestartedAtOnce_thenKafkaWaitsForTheElectionAndJoinsAsObserver()
      throws Exception {
    int leaderId =
        awaitForming("a leader among the three voters")
            .ignoreExceptions()
            .until(() -> quorum().leaderId(), id -> id >= 0);
    Pod leader = PODS.get(leaderId);

    nodes.kill(leader);
    nodes.wipeData(leader);
    nodes.start(leader);
    String waits = "the controller peers still name node " + leaderId + " their leader";
    awaitForming("the new incarnation waits for an election")
        .until(() -> nodes.readLog(leader).contains(waits));
    // its pod stops during the wait (evicted, say) and comes back to the disk it formatted
    nodes.kill(leader);
    Process reborn = nodes.start(leader);

    awaitForming("node " + leaderId + " back as an observer with a new directory id")
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonNode node = nodes.node(leader);
              assertThat(node.get("raftState").asText()).isEqualTo("observer");
              assertThat(node.get("leaderId").asInt()).isNotEqualTo(leaderId);
              assertThat(node.get("directoryId").asText()).isNotEqualTo(directoryIds.get(leaderId));
              assertThat(voters(quorum())).containsEntry(leaderId, directoryIds.get(leaderId));
            });
    assertThat(reborn.isAlive()).as("the new incarnation's process, never restarted").isTrue();
    String log = nodes.readLog(leader);
    assertThat(log)
        .contains("formatting with --no-initial-controllers")
        .contains("the peers no longer name it their leader")
        .doesNotContain("Encountered fatal fault");
    assertThat(log.split(java.util.regex.Pattern.quote(waits), -1))
        .as("both starts waited, the second on the disk the first formatted")
        .hasSize(3);
  }

  private QuorumInfo quorum() throws Exception {
    return admin.quorum();
  }
}
