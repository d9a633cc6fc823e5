package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static io.quorumkeeper.node.kraft.NodeProcesses.voters;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new cluster's three controllers, started together on 127.0.76.x as a StatefulSet starts them,
 * whose bootstrap servers are exactly these three: each launcher's agent answers while its disk is
 * being decided on, so the launchers hear that every controller's metadata log is empty and format
 * as initial voters without waiting out Kafka's leader question (ADR 004, "Creation").
 */
class CreationKraftTest {

  static final String CONTROLLERS = "qk-creation";
  static final List<Pod> PODS =
      IntStream.range(0, 3).mapToObj(i -> new Pod(CONTROLLERS, i, "127.0.76." + (10 + i))).toList();

  @TempDir Path root;
  private NodeProcesses nodes;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  void threeNewControllersHearEveryDiskIsEmptyAndFormatAsTheInitialVoters() throws Exception {
    List<String> directoryIds = NodeProcesses.randomDirectoryIds(3);
    String bootstrap = NodeProcesses.bootstrapControllers(PODS);
    nodes = NodeProcesses.forThisJvm(root);
    nodes.writeHosts(PODS);
    nodes.writeConfigMap(
        CONTROLLERS,
        NodeProcesses.plaintextControllerTemplate(bootstrap),
        NodeProcesses.controllerBootstrap(PODS, directoryIds, Uuid.randomUuid().toString(), false));
    PODS.forEach(nodes::start);

    try (ControllerAdmin admin = new ControllerAdmin(bootstrap)) {
      awaitForming("a leader and the three initial voters")
          .untilAsserted(
              () -> {
                QuorumInfo quorum = admin.quorum();
                assertThat(quorum.leaderId()).isBetween(0, 2);
                assertThat(voters(quorum))
                    .containsExactlyInAnyOrderEntriesOf(
                        Map.of(
                            0,
                            directoryIds.get(0),
                            1,
                            directoryIds.get(1),
                            2,
                            directoryIds.get(2)));
              });
    }
    List<String> logs = new ArrayList<>();
    for (Pod pod : PODS) {
      logs.add(nodes.readLog(pod));
    }
    assertThat(logs)
        .allSatisfy(log -> assertThat(log).contains("formatting with --initial-controllers"))
        .as("a launcher that decided on its agents' word, not at Kafka's 3 s deadline")
        .anySatisfy(log -> assertThat(log).contains("the quorum never formed"));
    System.out.printf(
        "creation: %d of 3 launchers decided before Kafka's deadline%n",
        logs.stream().filter(l -> l.contains("the quorum never formed")).count());
  }
}
