package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static io.quorumkeeper.node.kraft.NodeProcesses.voters;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
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
 * Real Kafka 4.4 KRaft nodes, each a JVM started through the launcher, on 127.0.77.x with the same
 * ports, in the Separated topology: a controller pool (three initial voters plus a fourth
 * controller) and a broker pool. One quorum is shared by the cases, which run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherKraftTest {

  static final String CONTROLLERS = "qk-controller";
  static final String BROKERS = "qk-broker";
  static final List<Pod> CONTROLLER_PODS =
      IntStream.range(0, 4).mapToObj(i -> new Pod(CONTROLLERS, i, "127.0.77." + (10 + i))).toList();
  static final Pod BROKER = new Pod(BROKERS, 0, "127.0.77.20");

  @TempDir static Path root;

  private final String clusterId = Uuid.randomUuid().toString();
  private final List<String> initialDirectoryIds = NodeProcesses.randomDirectoryIds(3);
  private final String bootstrapControllers = NodeProcesses.bootstrapControllers(CONTROLLER_PODS);
  private NodeProcesses nodes;
  private ControllerAdmin controllerAdmin;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @BeforeAll
  void startThreeInitialControllers() {
    nodes = NodeProcesses.forThisJvm(root);
    List<Pod> all = new java.util.ArrayList<>(CONTROLLER_PODS);
    all.add(BROKER);
    nodes.writeHosts(all);
    nodes.writeConfigMap(CONTROLLERS, controllerTemplate(), controllerBootstrap(false));
    nodes.writeConfigMap(BROKERS, brokerTemplate(), brokerBootstrap());
    CONTROLLER_PODS.subList(0, 3).forEach(nodes::start);
    controllerAdmin = new ControllerAdmin(bootstrapControllers);
  }

  @AfterAll
  void stopEverything() {
    if (controllerAdmin != null) {
      controllerAdmin.close();
    }
    nodes.close();
  }

  @Test
  @Order(1)
  void threeControllersBootstrapADynamicQuorumWithTheOperatorsDirectoryIds() throws Exception {
    awaitForming("a leader and the three initial voters")
        .untilAsserted(
            () -> {
              QuorumInfo quorum = quorum();
              assertThat(quorum.leaderId()).isBetween(0, 2);
              assertThat(voters(quorum))
                  .containsExactlyInAnyOrderEntriesOf(
                      Map.of(
                          0, initialDirectoryIds.get(0),
                          1, initialDirectoryIds.get(1),
                          2, initialDirectoryIds.get(2)));
            });
    short kraftVersion =
        controllerAdmin
            .admin()
            .describeFeatures()
            .featureMetadata()
            .get(10, TimeUnit.SECONDS)
            .finalizedFeatures()
            .get("kraft.version")
            .maxVersionLevel();
    assertThat(kraftVersion).as("kraft.version: a dynamic quorum").isEqualTo((short) 1);
    for (Pod pod : CONTROLLER_PODS.subList(0, 3)) {
      assertThat(nodes.readLog(pod)).contains("formatting with --initial-controllers");
    }
  }

  @Test
  @Order(2)
  void everyAgentReportsTheSameLeaderAndEpoch() {
    awaitForming("all agents agree on leader and epoch")
        .untilAsserted(
            () -> {
              QuorumInfo quorum = quorum();
              for (Pod pod : CONTROLLER_PODS.subList(0, 3)) {
                JsonNode node = nodes.node(pod);
                assertThat(node.get("nodeId").asInt()).isEqualTo(pod.ordinal());
                assertThat(node.get("clusterId").asText()).isEqualTo(clusterId);
                assertThat(node.get("directoryId").asText())
                    .isEqualTo(initialDirectoryIds.get(pod.ordinal()));
                assertThat(node.get("leaderId").asInt()).isEqualTo(quorum.leaderId());
                assertThat(node.get("leaderEpoch").asInt()).isEqualTo(quorum.leaderEpoch());
                assertThat(node.get("raftState").asText())
                    .isEqualTo(pod.ordinal() == quorum.leaderId() ? "leader" : "follower");
                assertThat(nodes.agentGet(pod, "/v1/readyz").statusCode()).isEqualTo(200);
                assertThat(node.get("metadataRecordsOnDisk").asBoolean())
                    .as("records on the disk of %s", pod.name())
                    .isTrue();
              }
            });
  }

  /**
   * A restarted voter's agent says its metadata log holds records from its first answer, while
   * Kafka's own log end offset may still say 0 (it moves on appends only): the launcher of a wiped
   * peer must see the quorum formed even in those seconds (ADR 004).
   */
  @Test
  @Order(3)
  void aRestartedVoterReportsItsRecordsOnDiskFromItsFirstAnswer() throws Exception {
    Pod restarted = aFollower();
    nodes.kill(restarted);
    nodes.start(restarted);

    JsonNode first =
        awaitForming("the restarted agent's first answer")
            .ignoreExceptions()
            .until(() -> nodes.node(restarted), java.util.Objects::nonNull);
    assertThat(first.get("metadataRecordsOnDisk").asBoolean())
        .as("first answer of the restarted %s: %s", restarted.name(), first)
        .isTrue();
    // Ready means caught up: the high watermark is known (a fetch was answered) and every record
    // it covers is in the log, not merely a leader remembered from before the restart.
    awaitForming("the restarted voter ready")
        .pollInterval(Duration.ofMillis(20))
        .until(() -> nodes.agentGet(restarted, "/v1/readyz").statusCode() == 200);
    JsonNode ready = nodes.node(restarted);
    assertThat(ready.get("highWatermark").asLong()).as("%s", ready).isNotNegative();
    assertThat(ready.get("logEndOffset").asLong())
        .as("%s", ready)
        .isGreaterThanOrEqualTo(ready.get("highWatermark").asLong());
    awaitForming("the restarted voter follows the leader again")
        .untilAsserted(
            () ->
                assertThat(nodes.node(restarted).get("raftState").asText()).isEqualTo("follower"));
  }

  @Test
  @Order(4)
  void aWipedVoterComesBackAsAnObserverWithANewDirectoryIdEvenBeforeClusterFormedIsSet()
      throws Exception {
    nodes.writeConfigMap(CONTROLLERS, controllerTemplate(), controllerBootstrap(false));
    Pod wiped = aFollower();
    String oldDirectoryId = initialDirectoryIds.get(wiped.ordinal());

    nodes.kill(wiped);
    nodes.wipeData(wiped);
    nodes.start(wiped);

    awaitForming("node " + wiped.ordinal() + " back as an observer")
        .untilAsserted(
            () -> {
              JsonNode node = nodes.node(wiped);
              assertThat(node.get("raftState").asText()).isEqualTo("observer");
              assertThat(node.get("leaderId").isNull()).isFalse();
              String newDirectoryId = node.get("directoryId").asText();
              assertThat(newDirectoryId).isNotEqualTo(oldDirectoryId);
              QuorumInfo quorum = quorum();
              assertThat(observers(quorum)).containsEntry(wiped.ordinal(), newDirectoryId);
              assertThat(voters(quorum)).containsEntry(wiped.ordinal(), oldDirectoryId);
            });
    assertThat(nodes.readLog(wiped))
        .contains("controller peers already follow leader")
        .contains("formatting with --no-initial-controllers");
  }

  @Test
  @Order(5)
  void aFourthControllerFormattedByTheLauncherJoinsAsAnObserver() {
    nodes.writeConfigMap(CONTROLLERS, controllerTemplate(), controllerBootstrap(true));
    Pod fourth = CONTROLLER_PODS.get(3);

    nodes.start(fourth);

    awaitForming("node 3 observes the quorum")
        .untilAsserted(
            () -> {
              JsonNode node = nodes.node(fourth);
              assertThat(node.get("raftState").asText()).isEqualTo("observer");
              QuorumInfo quorum = quorum();
              assertThat(node.get("leaderId").asInt()).isEqualTo(quorum.leaderId());
              assertThat(observers(quorum)).containsEntry(3, node.get("directoryId").asText());
              assertThat(voters(quorum)).doesNotContainKey(3);
              assertThat(nodes.agentGet(fourth, "/v1/readyz").statusCode()).isEqualTo(200);
            });
  }

  @Test
  @Order(6)
  void aBrokerJoinsAndServesAProduceConsumeRoundTrip() throws Exception {
    nodes.start(BROKER);
    awaitForming("broker ready")
        .until(() -> nodes.agentGet(BROKER, "/v1/readyz").statusCode() == 200);
    assertThat(nodes.node(BROKER).get("nodeId").asInt()).isEqualTo(100);

    String bootstrap = BROKER.host() + ":9092";
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin
          .createTopics(List.of(new NewTopic("round-trip", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    List<String> sent = IntStream.range(0, 10).mapToObj(i -> "message-" + i).toList();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(bootstrap))) {
      for (String value : sent) {
        producer.send(new ProducerRecord<>("round-trip", value)).get(30, TimeUnit.SECONDS);
      }
    }
    List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(bootstrap))) {
      consumer.subscribe(List.of("round-trip"));
      await("all messages consumed")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                  received.add(r.value());
                }
                return received.size() >= sent.size();
              });
    }
    assertThat(received).containsExactlyElementsOf(sent);
  }

  @Test
  @Order(7)
  void aTemplateWithAnUnknownPlaceholderStopsTheNodeWithExitCode2AndTheLine() throws Exception {
    Pod pod = new Pod("qk-bad", 0, "127.0.77.30");
    nodes.writeConfigMap(
        "qk-bad",
        controllerTemplate().replace("log.dirs=${QK_DATA_DIR}", "log.dirs=${DATA_DIR}"),
        controllerBootstrap(true));

    Process process = nodes.start(pod);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(nodes.readLog(pod))
        .contains(
            "quorum-node cannot start: server.properties template line 7: unknown placeholder ${DATA_DIR}")
        .doesNotContain("\tat ");
    assertThat(nodes.dataDir(pod)).doesNotExist();
  }

  @Test
  @Order(8)
  void aDiskOfAnotherClusterStopsTheNodeWithExitCode3AndIsLeftAlone() throws Exception {
    Pod pod = new Pod("qk-foreign", 0, "127.0.77.31");
    nodes.writeConfigMap("qk-foreign", controllerTemplate(), controllerBootstrap(true));
    String foreign =
        "node.id=0\ndirectory.id="
            + Uuid.randomUuid()
            + "\nversion=1\ncluster.id="
            + Uuid.randomUuid()
            + "\n";
    Files.createDirectories(nodes.dataDir(pod));
    Files.writeString(nodes.dataDir(pod).resolve("meta.properties"), foreign);

    Process process = nodes.start(pod);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(3);
    assertThat(nodes.readLog(pod))
        .contains("but the ConfigMap says " + clusterId + ": refusing to start");
    assertThat(Files.readString(nodes.dataDir(pod).resolve("meta.properties"))).isEqualTo(foreign);
  }

  /**
   * A config provider that reached a node's ConfigMap (the operator refuses the keys, ADR 043)
   * stops the node before Kafka reads its config (ADR 044): Kafka itself allows every provider that
   * server.properties names. Without the launcher's check this node starts with the file's content
   * in {@code broker.rack}.
   */
  @Test
  @Order(9)
  void aConfigProviderInTheConfigMapStopsTheNodeWithExitCode2BeforeItReadsAFile() throws Exception {
    Pod pod = new Pod("qk-provider", 0, "127.0.77.32");
    String secret = "secret-" + Uuid.randomUuid();
    Path secrets = providerDirectory("node.key", secret);
    String template =
        controllerTemplate()
            + "\nconfig.providers=dir"
            + "\nconfig.providers.dir.class="
            + DirectoryConfigProvider.class.getName()
            // the operator writes every '$' of a value so: Kafka reads '${', the launcher does not
            + "\nbroker.rack=\\u0024{dir:"
            + secrets
            + ":node.key}\n";
    nodes.writeConfigMap("qk-provider", template, controllerBootstrap(true));

    Process process = nodes.start(pod);

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the node stopped").isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(nodes.readLog(pod))
        .contains(
            "quorum-node cannot start: server.properties sets [config.providers,"
                + " config.providers.dir.class]")
        .doesNotContain(secret)
        .doesNotContain("\tat ");
    assertThat(nodes.dataDir(pod)).doesNotExist();
  }

  /**
   * Kafka resolves config providers in dynamic broker configs too, with the classes the launcher's
   * system property allows: none (ADR 044). Without it a client allowed to alter configs sets a
   * provider and a value read from any file the node can read.
   */
  @Test
  @Order(10)
  void aConfigProviderSetThroughTheAdminApiIsRefusedByTheBroker() throws Exception {
    Path secrets = providerDirectory("threads", "7");
    ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "100");
    List<AlterConfigOp> ops =
        List.of(
            new AlterConfigOp(new ConfigEntry("config.providers", "dir"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(
                new ConfigEntry(
                    "config.providers.dir.class", DirectoryConfigProvider.class.getName()),
                AlterConfigOp.OpType.SET),
            new AlterConfigOp(
                new ConfigEntry("num.io.threads", "${dir:" + secrets + ":threads}"),
                AlterConfigOp.OpType.SET));
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.host() + ":9092"))) {
      assertThatThrownBy(
              () ->
                  admin
                      .incrementalAlterConfigs(Map.of(broker, ops))
                      .all()
                      .get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(InvalidRequestException.class)
          .hasMessageContaining(DirectoryConfigProvider.class.getName() + " is not allowed");
      assertThat(
              admin
                  .describeConfigs(List.of(broker))
                  .all()
                  .get(30, TimeUnit.SECONDS)
                  .get(broker)
                  .get("num.io.threads")
                  .value())
          .isNotEqualTo("7");
    }
  }

  /**
   * Kafka's rule the operator's broker cordons rest on (ADR 029, ADR 045): a cordon is set through
   * the broker, the controllers refuse to set one, and lifting one through the controllers works.
   */
  @Test
  @Order(11)
  void aBrokerCordonIsSetThroughTheBrokerAndLiftedThroughTheControllers() throws Exception {
    ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "100");
    AlterConfigOp cordon =
        new AlterConfigOp(new ConfigEntry("cordoned.log.dirs", "*"), AlterConfigOp.OpType.SET);
    AlterConfigOp lift =
        new AlterConfigOp(new ConfigEntry("cordoned.log.dirs", null), AlterConfigOp.OpType.DELETE);
    try (Admin brokers =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.host() + ":9092"))) {
      assertThatThrownBy(
              () ->
                  controllerAdmin
                      .admin()
                      .incrementalAlterConfigs(Map.of(broker, List.of(cordon)))
                      .all()
                      .get(30, TimeUnit.SECONDS))
          .hasMessageContaining("must be a subset of the current configuration value");

      brokers
          .incrementalAlterConfigs(Map.of(broker, List.of(cordon)))
          .all()
          .get(30, TimeUnit.SECONDS);
      awaitForming("broker 100 cordoned").until(() -> cordoned(brokers), c -> c);

      controllerAdmin
          .admin()
          .incrementalAlterConfigs(Map.of(broker, List.of(lift)))
          .all()
          .get(30, TimeUnit.SECONDS);
      awaitForming("broker 100's cordon lifted").until(() -> cordoned(brokers), c -> !c);
    }
  }

  private static boolean cordoned(Admin brokers) throws Exception {
    return brokers
        .describeLogDirs(List.of(100))
        .allDescriptions()
        .get(30, TimeUnit.SECONDS)
        .get(100)
        .values()
        .stream()
        .allMatch(d -> d.isCordoned());
  }

  private static Path providerDirectory(String file, String content) throws Exception {
    Path directory = Files.createDirectories(root.resolve("provider-" + file));
    Files.writeString(directory.resolve(file), content);
    return directory;
  }

  private Pod aFollower() throws Exception {
    int leader = quorum().leaderId();
    return CONTROLLER_PODS.subList(0, 3).stream()
        .filter(p -> p.ordinal() != leader)
        .reduce((first, second) -> second)
        .orElseThrow();
  }

  private QuorumInfo quorum() throws Exception {
    return controllerAdmin.quorum();
  }

  private static Map<Integer, String> observers(QuorumInfo quorum) {
    return quorum.observers().stream()
        .collect(
            Collectors.toMap(
                QuorumInfo.ReplicaState::replicaId,
                r -> r.replicaDirectoryId().toString(),
                (a, b) -> a + "," + b));
  }

  private String controllerTemplate() {
    return NodeProcesses.plaintextControllerTemplate(bootstrapControllers);
  }

  private String controllerBootstrap(boolean formed) {
    return NodeProcesses.controllerBootstrap(
        CONTROLLER_PODS, initialDirectoryIds, clusterId, formed);
  }

  private String brokerTemplate() {
    return """
        advertised.listeners=PLAINTEXT://${QK_POD_HOST}:9092
        controller.listener.names=CONTROLLER
        controller.quorum.bootstrap.servers=%s
        group.initial.rebalance.delay.ms=0
        inter.broker.listener.name=PLAINTEXT
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
        listeners=PLAINTEXT://${POD_IP}:9092
        log.dirs=${QK_DATA_DIR}
        node.id=${QK_NODE_ID}
        offsets.topic.replication.factor=1
        process.roles=broker
        transaction.state.log.min.isr=1
        transaction.state.log.replication.factor=1
        """
        .formatted(bootstrapControllers);
  }

  private String brokerBootstrap() {
    return """
        agent.port=%d
        cluster.formed=true
        cluster.id=%s
        node.id.offset=100
        process.roles=broker
        """
        .formatted(NodeProcesses.AGENT_PORT, clusterId);
  }

  private static Properties producerConfig(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return props;
  }

  private static Properties consumerConfig(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "round-trip-test");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return props;
  }
}
