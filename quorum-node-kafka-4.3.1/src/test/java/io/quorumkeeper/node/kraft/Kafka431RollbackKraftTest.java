package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static io.quorumkeeper.node.kraft.NodeProcesses.voters;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
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
 * A rollback before finalization over a disk the newer version formatted (docs/upgrades.md, ADR
 * 014): three controllers form on 4.3.1; mid-roll to 4.4.0 a follower's disk is wiped and the
 * launcher formats it with 4.4.0's StorageTool as it joins; it is made a voter again the way the
 * operator heals a wiped voter (remove the old incarnation, add the new one); then the user rolls
 * back and the same disk must start on 4.3.1 and rejoin as a caught-up voter. Last, a new
 * controller whose disk 4.4.0 formatted but that never fetched anything starts on 4.3.1 and joins.
 *
 * <p>What makes it work (checked here, not assumed): 4.4.0 writes its bootstrap metadata, {@code
 * metadata.version} 4.4-IV2 included, only into the bootstrap snapshot {@code
 * __cluster_metadata-0/00000000000000000000-0000000000.checkpoint}, no {@code
 * bootstrap.checkpoint}; a joining controller's metadata comes from the leader's log, so 4.3.1
 * never applies the 4.4 level.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class Kafka431RollbackKraftTest {

  static final String OLD = "4.3.1";
  static final String NEW = "4.4.0";

  /** {@code MetadataVersion.IBP_4_3_IV0}: 4.3.1's latest production metadata.version. */
  static final short METADATA_VERSION_4_3_IV0 = 30;

  static final String CONTROLLERS = "qk-back";
  static final List<Pod> PODS =
      IntStream.range(0, 3).mapToObj(i -> new Pod(CONTROLLERS, i, "127.0.79." + (10 + i))).toList();
  static final Pod NEW_POD = new Pod(CONTROLLERS, 3, "127.0.79.13");

  @TempDir static Path root;

  private final String clusterId = Uuid.randomUuid().toString();
  private final List<String> directoryIds = NodeProcesses.randomDirectoryIds(3);
  private final String bootstrapControllers = NodeProcesses.bootstrapControllers(PODS);
  private NodeProcesses nodes;
  private ControllerAdmin admin;
  private Pod wiped;
  private String newDirectoryId;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @BeforeAll
  void startThreeControllersOnKafka431() {
    nodes = NodeProcesses.forThisJvm(root);
    nodes.writeHosts(List.of(PODS.get(0), PODS.get(1), PODS.get(2), NEW_POD));
    nodes.writeConfigMap(CONTROLLERS, controllerTemplate(), bootstrap(false));
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
  void threeControllersFormOnKafka431() throws Exception {
    awaitForming("a leader and the three initial voters on 4.3.1")
        .untilAsserted(
            () -> {
              assertThat(quorum().leaderId()).isBetween(0, 2);
              assertThat(voters(quorum())).hasSize(3);
            });
    assertThat(metadataVersion()).isEqualTo(METADATA_VERSION_4_3_IV0);
    // The operator marks the cluster formed once it has a leader (docs/node-contract.md).
    nodes.writeConfigMap(CONTROLLERS, controllerTemplate(), bootstrap(true));
  }

  @Test
  @Order(2)
  void aWipedFollowerIsFormattedBy440AndBecomesAVoterAgain() throws Exception {
    int leader = quorum().leaderId();
    wiped = PODS.stream().filter(p -> p.ordinal() != leader).findFirst().orElseThrow();
    String oldDirectoryId = directoryIds.get(wiped.ordinal());

    nodes.kill(wiped);
    nodes.wipeData(wiped);
    nodes.start(wiped);
    awaitForming("node " + wiped.ordinal() + " formatted by 4.4.0, an observer")
        .untilAsserted(
            () -> {
              JsonNode node = nodes.node(wiped);
              assertThat(node.get("kafkaVersion").asText()).isEqualTo(NEW);
              assertThat(node.get("raftState").asText()).isEqualTo("observer");
              assertThat(node.get("directoryId").asText()).isNotEqualTo(oldDirectoryId);
            });
    newDirectoryId = nodes.node(wiped).get("directoryId").asText();
    assertThat(nodes.readLog(wiped))
        .contains("formatting with --no-initial-controllers")
        .contains("with metadata.version 4.4-IV2");
    assertFormattedBy440(nodes.dataDir(wiped));

    // As the operator heals a dead voter: once the new incarnation is a caught-up observer, remove
    // the old one, then add the new one (Kafka refuses a new voter it has not seen fetch recently).
    awaitForming("node " + wiped.ordinal() + " a caught-up observer")
        .untilAsserted(
            () -> {
              QuorumInfo quorum = quorum();
              assertThat(endOffset(quorum.observers(), wiped.ordinal()))
                  .isGreaterThan(0)
                  .isGreaterThanOrEqualTo(endOffset(quorum.voters(), quorum.leaderId()) - 10);
            });
    admin
        .admin()
        .removeRaftVoter(wiped.ordinal(), Uuid.fromString(oldDirectoryId))
        .all()
        .get(30, TimeUnit.SECONDS);
    awaitForming("node " + wiped.ordinal() + " added as a voter")
        .untilAsserted(
            () -> {
              if (!voters(quorum()).containsKey(wiped.ordinal())) {
                addWipedAsVoter();
              }
              assertThat(voters(quorum())).containsEntry(wiped.ordinal(), newDirectoryId);
            });
    awaitCaughtUpVoter(NEW);
    assertThat(metadataVersion())
        .as("a mixed quorum stays at 4.3.1's level until finalized")
        .isEqualTo(METADATA_VERSION_4_3_IV0);
  }

  @Test
  @Order(3)
  void rolledBackTo431TheDisk440FormattedStartsAndRejoinsAsACaughtUpVoter() throws Exception {
    nodes.kill(wiped);
    nodes.startOnKafka(wiped, OLD);
    awaitCaughtUpVoter(OLD);
    assertThat(metadataVersion()).isEqualTo(METADATA_VERSION_4_3_IV0);
  }

  @Test
  @Order(4)
  void aNewControllerFormattedBy440ThatNeverFetchedStartsOn431AndJoinsAsAnObserver()
      throws Exception {
    Path data = nodes.dataDir(NEW_POD);
    String formatted = formatWithKafka440(NEW_POD);
    assertThat(formatted).contains("with metadata.version 4.4-IV2");
    assertFormattedBy440(data);

    nodes.startOnKafka(NEW_POD, OLD);
    awaitForming("node 3 on 4.3.1 over a disk 4.4.0 formatted, an observer at the leader's end")
        .untilAsserted(
            () -> {
              JsonNode node = nodes.node(NEW_POD);
              assertThat(node.get("kafkaVersion").asText()).isEqualTo(OLD);
              assertThat(node.get("raftState").asText()).isEqualTo("observer");
              QuorumInfo quorum = quorum();
              long leaderEnd = endOffset(quorum.voters(), quorum.leaderId());
              assertThat(endOffset(quorum.observers(), NEW_POD.ordinal()))
                  .isGreaterThan(0)
                  .isGreaterThanOrEqualTo(leaderEnd - 10);
            });
    assertThat(nodes.readLog(NEW_POD)).contains("storage already formatted");
    assertThat(metadataVersion()).isEqualTo(METADATA_VERSION_4_3_IV0);
  }

  private void addWipedAsVoter() throws Exception {
    admin
        .admin()
        .addRaftVoter(
            wiped.ordinal(),
            Uuid.fromString(newDirectoryId),
            Set.of(
                new RaftVoterEndpoint("CONTROLLER", wiped.host(), NodeProcesses.CONTROLLER_PORT)))
        .all()
        .get(30, TimeUnit.SECONDS);
  }

  /** 4.4.0's format: the bootstrap snapshot alone, no bootstrap.checkpoint (see the class doc). */
  private static void assertFormattedBy440(Path data) {
    assertThat(data.resolve("__cluster_metadata-0/00000000000000000000-0000000000.checkpoint"))
        .exists();
    assertThat(data.resolve("bootstrap.checkpoint")).doesNotExist();
  }

  /**
   * Formats the pod's disk with 4.4.0's own StorageTool in its own JVM, as a joining node
   * (--no-initial-controllers), the way the launcher on 4.4.0 would; returns the tool's output.
   */
  private String formatWithKafka440(Pod pod) throws Exception {
    Path config = root.resolve("format-" + pod.name() + ".properties");
    Files.writeString(
        config,
        String.join(
            "\n",
            "process.roles=controller",
            "node.id=" + pod.ordinal(),
            "controller.listener.names=CONTROLLER",
            "listeners=CONTROLLER://" + pod.ip() + ":" + NodeProcesses.CONTROLLER_PORT,
            "listener.security.protocol.map=CONTROLLER:PLAINTEXT",
            "controller.quorum.bootstrap.servers=" + bootstrapControllers,
            "log.dirs=" + nodes.dataDir(pod)));
    Process tool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("quorum.node.classpath"),
                "kafka.tools.StorageTool",
                "format",
                "--config",
                config.toString(),
                "--cluster-id",
                clusterId,
                "--no-initial-controllers")
            .redirectErrorStream(true)
            .start();
    String output = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(tool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tool.exitValue()).as("4.4.0 StorageTool:%n%s", output).isZero();
    return output;
  }

  /** The wiped pod runs {@code version}, follows the leader, and is a voter at the leader's end. */
  private void awaitCaughtUpVoter(String version) {
    awaitForming("node " + wiped.ordinal() + " a caught-up voter on " + version)
        .untilAsserted(
            () -> {
              JsonNode node = nodes.node(wiped);
              assertThat(node.get("kafkaVersion").asText()).isEqualTo(version);
              assertThat(node.get("raftState").asText()).isEqualTo("follower");
              assertThat(node.get("directoryId").asText()).isEqualTo(newDirectoryId);
              QuorumInfo quorum = quorum();
              assertThat(voters(quorum)).hasSize(3).containsEntry(wiped.ordinal(), newDirectoryId);
              long leaderEnd = endOffset(quorum.voters(), quorum.leaderId());
              assertThat(endOffset(quorum.voters(), wiped.ordinal()))
                  .as("log end offset of node %d vs the leader's", wiped.ordinal())
                  .isGreaterThan(0)
                  .isGreaterThanOrEqualTo(leaderEnd - 10);
            });
  }

  private static long endOffset(List<QuorumInfo.ReplicaState> replicas, int nodeId) {
    return replicas.stream()
        .filter(r -> r.replicaId() == nodeId)
        .mapToLong(QuorumInfo.ReplicaState::logEndOffset)
        .findFirst()
        .orElse(-1);
  }

  /**
   * The quorum as the controllers describe it (a failed call replaces the client: ControllerAdmin).
   */
  private QuorumInfo quorum() throws Exception {
    return admin.quorum();
  }

  private short metadataVersion() throws Exception {
    return admin
        .admin()
        .describeFeatures()
        .featureMetadata()
        .get(10, TimeUnit.SECONDS)
        .finalizedFeatures()
        .get("metadata.version")
        .maxVersionLevel();
  }

  private String bootstrap(boolean formed) {
    return NodeProcesses.controllerBootstrap(PODS, directoryIds, clusterId, formed);
  }

  private String controllerTemplate() {
    return NodeProcesses.plaintextControllerTemplate(bootstrapControllers);
  }
}
