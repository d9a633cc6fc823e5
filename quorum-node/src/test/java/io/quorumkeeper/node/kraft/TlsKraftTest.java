package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.quorumkeeper.node.storage.AdminLeaderCheck;
import io.quorumkeeper.node.storage.ControllerClientSecurity;
import io.quorumkeeper.node.tls.TestCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
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
 * Three real KRaft controllers of a TLS cluster started through the launcher with the TLS
 * contract's server.properties: CONTROLLER on SSL with client certificates required, the
 * StandardAuthorizer, the node and operator principals as super users. Two of the three initial
 * voters form the quorum; the third starts later on an empty disk with cluster.formed=false and
 * must learn over TLS that a leader exists (invariant 4's dangerous case).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsKraftTest {

  static final String CLUSTER = "tls";
  static final String CONTROLLERS = CLUSTER + "-controller";
  static final List<Pod> PODS =
      IntStream.range(0, 3).mapToObj(i -> new Pod(CONTROLLERS, i, "127.0.79." + (10 + i))).toList();

  @TempDir static Path root;

  private final TestCa ca = TestCa.create(CLUSTER + "-ca");
  private final String clusterId = Uuid.randomUuid().toString();
  private final List<String> directoryIds = NodeProcesses.randomDirectoryIds(3);
  private final String bootstrapControllers = NodeProcesses.bootstrapControllers(PODS);
  private NodeProcesses nodes;
  private ControllerAdmin operatorAdmin;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @BeforeAll
  void startTwoOfThreeInitialVoters() {
    nodes = NodeProcesses.forThisJvm(root);
    Path tls = root.resolve("tls");
    for (Pod pod : PODS) {
      ca.writeTlsDir(tls, pod.name(), pod.host(), pod.name());
    }
    nodes.useTls(tls, ca.trustingOnlyThisCa());
    nodes.writeHosts(PODS);
    nodes.writeConfigMap(
        CONTROLLERS,
        template(),
        NodeProcesses.controllerBootstrap(PODS, directoryIds, clusterId, false));
    PODS.subList(0, 2).forEach(nodes::start);
    operatorAdmin =
        new ControllerAdmin(
            config(write("operator.pem", ca.keyAndChainPem("quorum-keeper-operator")), tls));
  }

  @AfterAll
  void stopEverything() {
    if (operatorAdmin != null) {
      operatorAdmin.close();
    }
    nodes.close();
  }

  @Test
  @Order(1)
  void twoInitialVotersFormOverTlsAndTheirAgentsAnswerOverHttps() throws IOException {
    awaitForming("a leader among the two started voters")
        .untilAsserted(
            () -> {
              QuorumInfo quorum = operatorAdmin.call(TlsKraftTest::quorum);
              assertThat(quorum.leaderId()).isBetween(0, 1);
              assertThat(quorum.voters()).hasSize(3);
              for (Pod pod : PODS.subList(0, 2)) {
                assertThat(nodes.agentGet(pod, "/v1/readyz").statusCode()).isEqualTo(200);
                JsonNode node = nodes.node(pod);
                assertThat(node.get("leaderId").asInt()).isEqualTo(quorum.leaderId());
              }
            });
    for (Pod pod : PODS.subList(0, 2)) {
      assertThat(nodes.readLog(pod))
          .contains("agent listening on https://" + pod.ip() + ":" + NodeProcesses.AGENT_PORT)
          .contains("formatting with --initial-controllers");
    }
  }

  @Test
  @Order(2)
  void theThirdInitialVoterFindsTheLeaderOverTlsAndFormatsAsAnObserver() throws IOException {
    Pod third = PODS.get(2);

    nodes.start(third);

    awaitForming("node 2 observes the quorum")
        .untilAsserted(
            () -> {
              JsonNode node = nodes.node(third);
              assertThat(node.get("raftState").asText()).isEqualTo("observer");
              assertThat(node.get("directoryId").asText()).isNotEqualTo(directoryIds.get(2));
            });
    // the peers' agents answer over HTTPS first; Kafka is asked only when they cannot decide
    assertThat(nodes.readLog(third))
        .containsPattern("peer tls-controller-[01]\\S* follows leader [01]: the quorum has formed")
        .contains("formatting with --no-initial-controllers");
  }

  @Test
  @Order(2)
  void theLauncherAdminLeaderCheckFindsTheLeaderOverSslWithTheNodesOwnCertificate()
      throws IOException {
    Properties server = new Properties();
    try (var in =
        Files.newBufferedReader(
            root.resolve("work").resolve(PODS.get(2).name()).resolve("server.properties"))) {
      server.load(in);
    }
    Map<String, String> security = ControllerClientSecurity.clientProperties(server);

    OptionalInt leader =
        new AdminLeaderCheck(bootstrapControllers, Duration.ofSeconds(10), security).findLeader();

    assertThat(security).containsEntry("security.protocol", "SSL");
    assertThat(leader).isPresent();
    assertThat(leader.getAsInt()).isBetween(0, 1);
  }

  @Test
  @Order(3)
  void aCertificateFromAnotherCaCannotDescribeTheQuorum() {
    TestCa impostor = TestCa.create(CLUSTER + "-ca");
    Path pem = write("impostor.pem", impostor.keyAndChainPem(PODS.get(0).name()));
    assertDescribingTheQuorumFails(pem, SslAuthenticationException.class);
  }

  @Test
  @Order(4)
  void noClientCertificateCannotDescribeTheQuorum() {
    assertDescribingTheQuorumFails(null, SslAuthenticationException.class);
  }

  @Test
  @Order(5)
  void aCertificateOfTheCaThatIsNoNodeNorTheOperatorIsNotAuthorized() {
    Path pem = write("stranger.pem", ca.keyAndChainPem("stranger"));
    assertDescribingTheQuorumFails(pem, ClusterAuthorizationException.class);
  }

  /** An admin with this client key and chain (none if null) is refused with {@code cause}. */
  private void assertDescribingTheQuorumFails(Path keyAndChain, Class<? extends Throwable> cause) {
    try (Admin admin = admin(keyAndChain, root.resolve("tls"))) {
      assertThatThrownBy(() -> quorum(admin))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(cause);
    }
  }

  private Admin admin(Path keyAndChain, Path tls) {
    return Admin.create(config(keyAndChain, tls));
  }

  private Map<String, Object> config(Path keyAndChain, Path tls) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, bootstrapControllers);
    config.put("security.protocol", "SSL");
    config.put("ssl.truststore.type", "PEM");
    config.put("ssl.truststore.location", tls.resolve("ca.crt").toString());
    if (keyAndChain != null) {
      config.put("ssl.keystore.type", "PEM");
      config.put("ssl.keystore.location", keyAndChain.toString());
    }
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return config;
  }

  private static QuorumInfo quorum(Admin admin) throws Exception {
    return admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS);
  }

  private static Path write(String name, String text) {
    try {
      return Files.writeString(root.resolve(name), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The TLS contract's controller server.properties (sorted keys). */
  private String template() {
    return """
        advertised.listeners=CONTROLLER://${QK_POD_HOST}:9093
        authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
        controller.listener.names=CONTROLLER
        controller.quorum.auto.join.enable=false
        controller.quorum.bootstrap.servers=%s
        listener.security.protocol.map=CONTROLLER:SSL,PLAINTEXT:PLAINTEXT,REPLICATION:SSL
        listeners=CONTROLLER://${POD_IP}:9093
        log.dirs=${QK_DATA_DIR}
        node.id=${QK_NODE_ID}
        process.roles=controller
        ssl.client.auth=required
        ssl.keystore.location=${QK_TLS_DIR}/${POD_NAME}.pem
        ssl.keystore.type=PEM
        ssl.principal.mapping.rules=RULE:^CN=%s-(node|controller|broker)-[0-9]+$/quorum-keeper-node/,RULE:^CN=(quorum-keeper-operator)$/$1/,DEFAULT
        ssl.truststore.location=${QK_TLS_DIR}/ca.crt
        ssl.truststore.type=PEM
        super.users=User:quorum-keeper-node;User:quorum-keeper-operator
        """
        .formatted(bootstrapControllers, CLUSTER);
  }
}
