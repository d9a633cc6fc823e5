package io.quorumkeeper.node.kraft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.quorumkeeper.node.tls.TestCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
import org.junit.jupiter.api.extension.ExtensionContext;
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
  static final Duration FORMING = Duration.ofSeconds(90);

  @TempDir static Path root;

  private final TestCa ca = TestCa.create(CLUSTER + "-ca");
  private final String clusterId = Uuid.randomUuid().toString();
  private final List<String> directoryIds =
      IntStream.range(0, 3).mapToObj(i -> Uuid.randomUuid().toString()).toList();
  private final String bootstrapControllers =
      PODS.stream().map(p -> p.host() + ":9093").collect(Collectors.joining(","));
  private NodeProcesses nodes;
  private Admin operatorAdmin;

  @RegisterExtension
  final TestWatcher logsOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          System.out.println(nodes.tailOfLogs(80));
        }
      };

  @BeforeAll
  void startTwoOfThreeInitialVoters() {
    nodes =
        new NodeProcesses(
            root,
            NodeProcesses.hostsFileOfThisJvm(),
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    Path tls = root.resolve("tls");
    for (Pod pod : PODS) {
      ca.writeTlsDir(tls, pod.name(), pod.host(), pod.name());
    }
    nodes.useTls(tls, ca.trustingOnlyThisCa());
    nodes.writeHosts(PODS);
    nodes.writeConfigMap(CONTROLLERS, template(), bootstrap());
    PODS.subList(0, 2).forEach(nodes::start);
    operatorAdmin = admin(write("operator.pem", ca.keyAndChainPem("quorum-keeper-operator")), tls);
  }

  @AfterAll
  void stopEverything() {
    if (operatorAdmin != null) {
      operatorAdmin.close(Duration.ofSeconds(2));
    }
    nodes.close();
  }

  @Test
  @Order(1)
  void twoInitialVotersFormOverTlsAndTheirAgentsAnswerOverHttps() throws IOException {
    await("a leader among the two started voters")
        .atMost(FORMING)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumInfo quorum = quorum(operatorAdmin);
              assertThat(quorum.leaderId()).isBetween(0, 1);
              assertThat(quorum.voters()).hasSize(3);
              for (Pod pod : PODS.subList(0, 2)) {
                assertThat(nodes.agentGet(pod, "/v1/readyz").statusCode()).isEqualTo(200);
                JsonNode node = nodes.node(pod);
                assertThat(node.get("leaderId").asInt()).isEqualTo(quorum.leaderId());
              }
            });
    for (Pod pod : PODS.subList(0, 2)) {
      assertThat(log(pod))
          .contains("agent listening on https://" + pod.ip() + ":" + NodeProcesses.AGENT_PORT)
          .contains("formatting with --initial-controllers");
    }
  }

  @Test
  @Order(2)
  void theThirdInitialVoterFindsTheLeaderOverTlsAndFormatsAsAnObserver() throws IOException {
    Pod third = PODS.get(2);

    nodes.start(third);

    await("node 2 observes the quorum")
        .atMost(FORMING)
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              JsonNode node = nodes.node(third);
              assertThat(node.get("raftState").asText()).isEqualTo("observer");
              assertThat(node.get("directoryId").asText()).isNotEqualTo(directoryIds.get(2));
            });
    assertThat(log(third))
        .containsPattern("controller peers answered over SSL: leader [01] epoch")
        .contains("formatting with --no-initial-controllers");
  }

  @Test
  @Order(3)
  void aCertificateFromAnotherCaCannotDescribeTheQuorum() {
    TestCa impostor = TestCa.create(CLUSTER + "-ca");
    Path pem = write("impostor.pem", impostor.keyAndChainPem(PODS.get(0).name()));
    try (Admin admin = admin(pem, root.resolve("tls"))) {
      assertThatThrownBy(() -> quorum(admin))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SslAuthenticationException.class);
    }
  }

  @Test
  @Order(4)
  void noClientCertificateCannotDescribeTheQuorum() {
    try (Admin admin = admin(null, root.resolve("tls"))) {
      assertThatThrownBy(() -> quorum(admin))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SslAuthenticationException.class);
    }
  }

  @Test
  @Order(5)
  void aCertificateOfTheCaThatIsNoNodeNorTheOperatorIsNotAuthorized() {
    Path pem = write("stranger.pem", ca.keyAndChainPem("stranger"));
    try (Admin admin = admin(pem, root.resolve("tls"))) {
      assertThatThrownBy(() -> quorum(admin))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ClusterAuthorizationException.class);
    }
  }

  private Admin admin(Path keyAndChain, Path tls) {
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
    return Admin.create(config);
  }

  private static QuorumInfo quorum(Admin admin) throws Exception {
    return admin.describeMetadataQuorum().quorumInfo().get(20, TimeUnit.SECONDS);
  }

  private String log(Pod pod) throws IOException {
    return Files.readString(nodes.log(pod));
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

  private String bootstrap() {
    String initial =
        IntStream.range(0, 3)
            .mapToObj(i -> i + "@" + PODS.get(i).host() + ":9093:" + directoryIds.get(i))
            .collect(Collectors.joining(","));
    return """
        agent.port=%d
        cluster.formed=false
        cluster.id=%s
        initial.controllers=%s
        node.id.offset=0
        process.roles=controller
        """
        .formatted(NodeProcesses.AGENT_PORT, clusterId, initial);
  }
}
