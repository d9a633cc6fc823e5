package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static io.quorumkeeper.node.kraft.NodeProcesses.voters;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher on Kafka 4.3.1's jars (quorum-node/target/kafka-4.3.1, built by the
 * quorum-node-kafka-4.3.1 module): three controllers format their own storage with 4.3.1's
 * StorageTool and form a dynamic quorum at 4.3.1's metadata.version; then one follower is restarted
 * on 4.4.0's jars over the same disk, as a version roll does, and rejoins.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Kafka431KraftTest {

  static final String OLD = "4.3.1";

  /** {@code MetadataVersion.IBP_4_3_IV0}: 4.3.1's latest production metadata.version. */
  static final short METADATA_VERSION_4_3_IV0 = 30;

  static final String CONTROLLERS = "qk-old";
  static final List<Pod> PODS =
      IntStream.range(0, 3).mapToObj(i -> new Pod(CONTROLLERS, i, "127.0.78." + (10 + i))).toList();

  @TempDir static Path root;

  private final String clusterId = Uuid.randomUuid().toString();
  private final List<String> directoryIds = NodeProcesses.randomDirectoryIds(3);
  private final String bootstrapControllers = NodeProcesses.bootstrapControllers(PODS);
  private NodeProcesses nodes;
  private ControllerAdmin admin;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @BeforeAll
  void startThreeControllersOnKafka431() {
    nodes = NodeProcesses.forThisJvm(root);
    nodes.writeHosts(PODS);
    nodes.writeConfigMap(
        CONTROLLERS,
        controllerTemplate(),
        NodeProcesses.controllerBootstrap(PODS, directoryIds, clusterId, false));
    PODS.forEach(pod -> nodes.startOnKafka(pod, OLD));
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
  @Order(1)
  void threeControllersOnKafka431FormADynamicQuorumAtItsMetadataVersion() throws Exception {
    awaitForming("a leader and the three initial voters on 4.3.1")
        .untilAsserted(
            () -> {
              QuorumInfo quorum = quorum();
              assertThat(quorum.leaderId()).isBetween(0, 2);
              assertThat(voters(quorum))
                  .containsExactlyInAnyOrderEntriesOf(
                      Map.of(
                          0, directoryIds.get(0), 1, directoryIds.get(1), 2, directoryIds.get(2)));
              for (Pod pod : PODS) {
                assertThat(nodes.node(pod).get("kafkaVersion").asText()).isEqualTo(OLD);
              }
            });
    FeatureMetadata features = features();
    assertThat(features.finalizedFeatures().get("kraft.version").maxVersionLevel())
        .as("kraft.version: a dynamic quorum")
        .isEqualTo((short) 1);
    assertThat(features.finalizedFeatures().get("metadata.version").maxVersionLevel())
        .as("formatted by 4.3.1's own StorageTool")
        .isEqualTo(METADATA_VERSION_4_3_IV0);
    for (Pod pod : PODS) {
      assertThat(nodes.readLog(pod)).contains("formatting with --initial-controllers");
    }
  }

  @Test
  @Order(2)
  void aFollowerRestartedOnKafka440ReadsTheStorage431FormattedAndRejoins() throws Exception {
    int leader = quorum().leaderId();
    Pod follower = PODS.stream().filter(p -> p.ordinal() != leader).findFirst().orElseThrow();

    nodes.kill(follower);
    nodes.start(follower);

    awaitForming("node " + follower.ordinal() + " back on 4.4.0 as a voter")
        .untilAsserted(
            () -> {
              JsonNode node = nodes.node(follower);
              assertThat(node.get("kafkaVersion").asText()).isEqualTo("4.4.0");
              assertThat(node.get("raftState").asText()).isEqualTo("follower");
              assertThat(node.get("directoryId").asText())
                  .isEqualTo(directoryIds.get(follower.ordinal()));
              assertThat(voters(quorum())).hasSize(3);
            });
    assertThat(features().finalizedFeatures().get("metadata.version").maxVersionLevel())
        .as("a mixed quorum stays at the old level until finalized")
        .isEqualTo(METADATA_VERSION_4_3_IV0);
  }

  /**
   * The quorum as the controllers describe it (a failed call replaces the client: ControllerAdmin).
   */
  private QuorumInfo quorum() throws Exception {
    return admin.quorum();
  }

  private FeatureMetadata features() throws Exception {
    return admin.admin().describeFeatures().featureMetadata().get(10, TimeUnit.SECONDS);
  }

  private String controllerTemplate() {
    return NodeProcesses.plaintextControllerTemplate(bootstrapControllers);
  }
}
