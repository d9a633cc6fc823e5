package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller with no credentials on a listener that asks for none: each of its connections sends a
 * request size and nothing more, which Kafka allocates at once. With the launcher's bounds on
 * request buffers (RequestMemory) the Combined node keeps running, its quorum answers, and its
 * client listener serves again once the connections go; without them the claims exhaust the heap
 * and the JVM exits, controller and all (the image's {@code -XX:+ExitOnOutOfMemoryError}).
 */
class RequestMemoryKraftTest {

  static final Pod POD = new Pod("qk-memory", 0, "127.0.78.10");
  static final int CLAIM_OF_KAFKAS_DEFAULT_LIMIT = 100 * 1024 * 1024;

  @TempDir Path root;
  private NodeProcesses nodes;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  void sizeClaimsWithoutBodiesNeitherExhaustTheHeapNorSilenceTheQuorum() throws Exception {
    nodes = NodeProcesses.exitingOnOutOfMemory(root);
    Process node = nodes.startCombinedAlone(POD, NodeProcesses::plaintextCombinedTemplate);
    String controllers = NodeProcesses.bootstrapControllers(List.of(POD));
    String clients = POD.host() + ":9092";
    awaitForming("the broker serves").until(() -> clusterAnswers(clients));
    Matcher bounds =
        Pattern.compile("request buffers at most (\\d+) bytes per socket server and (\\d+) bytes")
            .matcher(nodes.readLog(POD));
    assertThat(bounds.find()).isTrue();
    int requestMax = Integer.parseInt(bounds.group(2));
    assertThat(requestMax).isLessThan(CLAIM_OF_KAFKAS_DEFAULT_LIMIT);

    List<Socket> flood = new ArrayList<>();
    try {
      // Kafka's own limit, then the bound in force: the first are refused outright, the second
      // take the pool, after which Kafka stops reading until it has room again.
      for (int i = 0; i < 4; i++) {
        flood.add(claim(CLAIM_OF_KAFKAS_DEFAULT_LIMIT));
      }
      for (int i = 0; i < 8; i++) {
        flood.add(claim(requestMax));
      }
      await("the node under the claims")
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(20))
          .until(node::isAlive);
      try (Admin admin =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, controllers))) {
        assertThat(admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId())
            .isEqualTo(0);
      }
    } finally {
      for (Socket socket : flood) {
        socket.close();
      }
    }
    awaitForming("the client listener serves again").until(() -> clusterAnswers(clients));
    assertThat(node.isAlive()).isTrue();
  }

  /** A connection to the client listener that has sent a request size of {@code bytes}, no more. */
  private static Socket claim(int bytes) throws Exception {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(POD.ip(), 9092), 5_000);
    DataOutputStream out = new DataOutputStream(socket.getOutputStream());
    out.writeInt(bytes);
    out.flush();
    return socket;
  }

  private static boolean clusterAnswers(String bootstrap) {
    return NodeProcesses.clusterAnswers(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }
}
