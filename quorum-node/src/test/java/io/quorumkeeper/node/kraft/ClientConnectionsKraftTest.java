package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller with no credentials on a client listener that asks for SCRAM: its connections claim SASL
 * messages and send nothing more, which Kafka allocates before it knows who is calling, outside the
 * request pool. First claims of Kafka's default SASL limit (512 KiB), then as many connections as
 * it can open, each claiming the largest message the launcher lets through. With the launcher's
 * bounds (ClientConnections) the first are refused and the second stop at the listener's cap; the
 * Combined node keeps running, its quorum and its replication listener answer meanwhile, and SCRAM
 * clients get in again once the connections go. Without them the claims exhaust the heap and the
 * JVM exits, controller and all.
 */
class ClientConnectionsKraftTest {

  static final Pod POD = new Pod("qk-callers", 0, "127.0.78.20");
  static final int CLIENTS_PORT = 9092;
  static final int REPLICATION_PORT = 9094;
  static final int KAFKAS_SASL_LIMIT = 512 * 1024;

  /** Connections the test gives up opening after, when none gets through any more. */
  static final int REFUSED_IN_A_ROW = 20;

  static final String USER = "alice";
  static final String PASSWORD = "alice-secret-0123456789";

  @TempDir Path root;
  private NodeProcesses nodes;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  void unauthenticatedClaimsOnAScramListenerNeitherExhaustTheHeapNorSilenceTheQuorum()
      throws Exception {
    nodes = NodeProcesses.exitingOnOutOfMemory(root);
    Process node = nodes.startCombinedAlone(POD, ClientConnectionsKraftTest::scramCombinedTemplate);
    String controllers = NodeProcesses.bootstrapControllers(List.of(POD));
    String replication = POD.host() + ":" + REPLICATION_PORT;
    awaitForming("the broker serves")
        .until(() -> NodeProcesses.clusterAnswers(anonymous(replication)));
    try (Admin admin = Admin.create(anonymous(replication))) {
      admin
          .alterUserScramCredentials(
              List.of(
                  new UserScramCredentialUpsertion(
                      USER, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    awaitForming("a SCRAM client gets in").until(() -> NodeProcesses.clusterAnswers(scram()));
    Matcher bounds =
        Pattern.compile("CLIENTS at most (\\d+) connections and (\\d+) bytes per message")
            .matcher(nodes.readLog(POD));
    assertThat(bounds.find()).as("the launcher's log names the client listener's bounds").isTrue();
    int cap = Integer.parseInt(bounds.group(1));
    int saslMax = Integer.parseInt(bounds.group(2));
    assertThat(saslMax).isLessThan(KAFKAS_SASL_LIMIT);

    List<Socket> flood = new ArrayList<>();
    try {
      // enough of Kafka's own limit to hold more than the heap, then of the bound in force
      for (int i = 0; i < 600; i++) {
        claim(KAFKAS_SASL_LIMIT).ifPresent(flood::add);
      }
      int refusedInARow = 0;
      while (refusedInARow < REFUSED_IN_A_ROW && flood.size() < 6_000) {
        Optional<Socket> socket = claim(saslMax);
        socket.ifPresent(flood::add);
        refusedInARow = socket.isPresent() ? 0 : refusedInARow + 1;
      }
      System.out.printf(
          "%d connections held open against a cap of %d (%d bytes claimed each)%n",
          flood.size(), cap, saslMax);
      await("the node under the claims")
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(20))
          .until(node::isAlive);
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, controllers))) {
        assertThat(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId())
            .isEqualTo(0);
      }
      assertThat(NodeProcesses.clusterAnswers(anonymous(replication)))
          .as("the inter-broker listener is not capped")
          .isTrue();
    } finally {
      for (Socket socket : flood) {
        socket.close();
      }
    }
    awaitForming("a SCRAM client gets in again").until(() -> NodeProcesses.clusterAnswers(scram()));
    assertThat(node.isAlive()).isTrue();
  }

  /**
   * A connection to the SCRAM listener that has sent a message size of {@code bytes}, no more;
   * empty when the connection could not be made in a moment (the listener takes no more).
   */
  private static Optional<Socket> claim(int bytes) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(POD.ip(), CLIENTS_PORT), 300);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      out.writeInt(bytes);
      out.flush();
      return Optional.of(socket);
    } catch (IOException e) {
      socket.close();
      return Optional.empty();
    }
  }

  /**
   * Combined, plaintext controller and inter-broker listeners, and a client listener that asks for
   * SCRAM-SHA-512 ({@code CLIENTS}, SASL_PLAINTEXT on 9092).
   */
  static String scramCombinedTemplate(String bootstrapControllers) {
    return """
        advertised.listeners=CONTROLLER://${QK_POD_HOST}:9093,PLAINTEXT://${QK_POD_HOST}:9094,\
        CLIENTS://${QK_POD_HOST}:9092
        controller.listener.names=CONTROLLER
        controller.quorum.auto.join.enable=false
        controller.quorum.bootstrap.servers=%s
        inter.broker.listener.name=PLAINTEXT
        listener.name.clients.sasl.enabled.mechanisms=SCRAM-SHA-512
        listener.name.clients.scram-sha-512.sasl.jaas.config=\
        org.apache.kafka.common.security.scram.ScramLoginModule required;
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,\
        CLIENTS:SASL_PLAINTEXT
        listeners=CONTROLLER://${POD_IP}:9093,PLAINTEXT://${POD_IP}:9094,CLIENTS://${POD_IP}:9092
        log.dirs=${QK_DATA_DIR}
        node.id=${QK_NODE_ID}
        offsets.topic.replication.factor=1
        process.roles=broker,controller
        transaction.state.log.min.isr=1
        transaction.state.log.replication.factor=1
        """
        .formatted(bootstrapControllers);
  }

  private static Map<String, Object> anonymous(String bootstrap) {
    Map<String, Object> config = new HashMap<>();
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return config;
  }

  private static Map<String, Object> scram() {
    Map<String, Object> config = anonymous(POD.host() + ":" + CLIENTS_PORT);
    config.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
    config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
    config.put(
        SaslConfigs.SASL_JAAS_CONFIG,
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + USER
            + "\" password=\""
            + PASSWORD
            + "\";");
    return config;
  }
}
