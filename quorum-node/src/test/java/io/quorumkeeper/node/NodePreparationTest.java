package io.quorumkeeper.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.node.config.PodFacts;
import io.quorumkeeper.node.storage.FormatDecision;
import io.quorumkeeper.node.storage.LeaderCheck;
import io.quorumkeeper.node.storage.MetaProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's preparation with real files and Kafka's real StorageTool, but no network. */
class NodePreparationTest {

  static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";
  static final String DIR_1 = "Zm9vYmFyYmF6cXV4MTIzNA";
  static final String INITIAL =
      "0@c-0.c.kafka.svc:9093:b5Qy2aZ3RlSzq1Tw6HfXyA,1@c-1.c.kafka.svc:9093:"
          + DIR_1
          + ",2@c-2.c.kafka.svc:9093:cXV1eGNvcmdlZ3JhdWx0MQ";
  static final String CONTROLLER_TEMPLATE =
      """
      advertised.listeners=CONTROLLER://${QK_POD_HOST}:9093
      controller.listener.names=CONTROLLER
      controller.quorum.auto.join.enable=false
      controller.quorum.bootstrap.servers=c-0.c.kafka.svc:9093,c-1.c.kafka.svc:9093,c-2.c.kafka.svc:9093
      listener.security.protocol.map=CONTROLLER:PLAINTEXT
      listeners=CONTROLLER://${POD_IP}:9093
      log.dirs=${QK_DATA_DIR}
      node.id=${QK_NODE_ID}
      process.roles=controller
      """;

  @TempDir Path root;

  private final AtomicInteger leaderChecks = new AtomicInteger();

  private PodFacts pod(String name) throws IOException {
    Path config = Files.createDirectories(root.resolve("config"));
    return new PodFacts(
        name,
        Integer.parseInt(name.substring(name.lastIndexOf('-') + 1)),
        "kafka",
        "127.0.0.1",
        name + ".c.kafka.svc",
        config,
        root.resolve("data"),
        root.resolve("token"),
        root.resolve("work"),
        Optional.empty());
  }

  private void configMap(String template, boolean formed) throws IOException {
    Path config = Files.createDirectories(root.resolve("config"));
    Files.writeString(config.resolve("server.properties"), template);
    Files.writeString(
        config.resolve("bootstrap.properties"),
        """
        agent.port=8080
        cluster.formed=%s
        cluster.id=%s
        initial.controllers=%s
        node.id.offset=0
        process.roles=controller
        """
            .formatted(formed, CLUSTER, INITIAL));
  }

  private NodePreparation preparation(OptionalInt leader) {
    LeaderCheck check =
        () -> {
          leaderChecks.incrementAndGet();
          return leader;
        };
    return new NodePreparation(server -> check);
  }

  @Test
  void givenFirstFormationAndNoLeader_whenPrepared_thenFormattedWithTheOperatorsDirectoryId()
      throws IOException {
    configMap(CONTROLLER_TEMPLATE, false);

    PreparedNode node = preparation(OptionalInt.empty()).prepare(pod("c-1"));

    assertThat(node.nodeId()).isEqualTo(1);
    assertThat(node.decision()).isInstanceOf(FormatDecision.FormatInitialControllers.class);
    assertThat(node.meta()).isEqualTo(new MetaProperties(CLUSTER, 1, DIR_1));
    assertThat(MetaProperties.read(root.resolve("data"))).hasValue(node.meta());
    assertThat(leaderChecks).hasValue(1);
    assertThat(Files.readString(node.serverProperties()))
        .contains(
            "node.id=1",
            "listeners=CONTROLLER://127.0.0.1:9093",
            "log.dirs=" + root.resolve("data"));
    assertThat(node.serverProperties()).startsWith(root.resolve("work"));
  }

  @Test
  void givenPeersFollowALeader_whenAnInitialControllerIsPrepared_thenItGetsANewDirectoryId()
      throws IOException {
    configMap(CONTROLLER_TEMPLATE, false);

    PreparedNode node = preparation(OptionalInt.of(0)).prepare(pod("c-1"));

    assertThat(node.decision()).isInstanceOf(FormatDecision.FormatNoInitialControllers.class);
    assertThat(node.meta().directoryId()).isNotNull().isNotEqualTo(DIR_1);
  }

  @Test
  void givenAFormattedDisk_whenPreparedAgain_thenMetaPropertiesIsUntouched() throws IOException {
    configMap(CONTROLLER_TEMPLATE, false);
    preparation(OptionalInt.empty()).prepare(pod("c-1"));
    Path meta = root.resolve("data").resolve("meta.properties");
    byte[] before = Files.readAllBytes(meta);
    var modified = Files.getLastModifiedTime(meta);

    PreparedNode again = preparation(OptionalInt.empty()).prepare(pod("c-1"));

    assertThat(again.decision()).isInstanceOf(FormatDecision.AlreadyFormatted.class);
    assertThat(Files.readAllBytes(meta)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(meta)).isEqualTo(modified);
    assertThat(leaderChecks).as("peers asked only for the first, empty disk").hasValue(1);
  }

  @Test
  void givenAnotherClustersDisk_whenPrepared_thenTheNodeRefusesToStartAndKeepsTheDisk()
      throws IOException {
    configMap(CONTROLLER_TEMPLATE, true);
    Path data = Files.createDirectories(root.resolve("data"));
    String foreign =
        "node.id=1\ndirectory.id=" + DIR_1 + "\nversion=1\ncluster.id=T3RoZXJDbHVzdGVySWQxMg\n";
    Files.writeString(data.resolve("meta.properties"), foreign);

    assertThatThrownBy(() -> preparation(OptionalInt.empty()).prepare(pod("c-1")))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("cluster id T3RoZXJDbHVzdGVySWQxMg")
        .hasMessageContaining("refusing to start")
        .extracting(e -> ((LaunchException) e).exitCode())
        .isEqualTo(LaunchException.STORAGE_REFUSED);
    assertThat(Files.readString(data.resolve("meta.properties"))).isEqualTo(foreign);
  }

  @Test
  void givenATemplateWithAFixedNodeId_whenPrepared_thenItIsBadInput() throws IOException {
    configMap(CONTROLLER_TEMPLATE.replace("node.id=${QK_NODE_ID}", "node.id=7"), true);

    assertThatThrownBy(() -> preparation(OptionalInt.empty()).prepare(pod("c-1")))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("node.id='7'");
    assertThat(root.resolve("data").resolve("meta.properties")).doesNotExist();
  }

  @Test
  void givenRolesThatDisagree_whenPrepared_thenItIsBadInput() throws IOException {
    configMap(
        CONTROLLER_TEMPLATE.replace("process.roles=controller", "process.roles=broker"), true);

    assertThatThrownBy(() -> preparation(OptionalInt.empty()).prepare(pod("c-1")))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("process.roles=broker but bootstrap.properties says controller");
  }

  @Test
  void givenNoConfigMap_whenPrepared_thenTheErrorSaysWhatIsMissing() throws IOException {
    PodFacts pod = pod("c-1");

    assertThatThrownBy(() -> preparation(OptionalInt.empty()).prepare(pod))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("bootstrap.properties")
        .hasMessageContaining("is the ConfigMap mounted?");
  }
}
