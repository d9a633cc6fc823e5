package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quorumkeeper.operator.quorum.AgentReport;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agents' round against a live agent and a frozen one (a process that accepts connections and
 * never answers, as after SIGSTOP or a node gone dark), on the agents' port of two loopback
 * addresses of this test's own.
 */
class AgentClientTest {

  static final String LIVE = "127.0.77.1";
  static final String FROZEN = "127.0.77.2";
  static final String PLAIN = "127.0.77.3";
  static final Duration BOUND = Duration.ofSeconds(2);

  HttpServer agent;
  ServerSocket frozen;

  @BeforeEach
  void start() throws Exception {
    agent = HttpServer.create(new InetSocketAddress(LIVE, AgentClient.PORT), 0);
    agent.createContext(
        "/v1/node",
        exchange -> {
          byte[] body =
              ("{\"nodeId\":0,\"directoryId\":\"d0\",\"clusterId\":\"c0\",\"roles\":[\"controller\"],"
                      + "\"raftState\":\"leader\",\"leaderId\":0,\"leaderEpoch\":3,"
                      // what an agent says of its certificate is not read: the handshake is
                      + "\"certificateNotAfter\":\"2020-01-01T00:00:00Z\"}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    agent.start();
    frozen = new ServerSocket(AgentClient.PORT, 50, InetAddress.getByName(FROZEN));
  }

  @AfterEach
  void stop() throws Exception {
    agent.stop(0);
    frozen.close();
  }

  @Test
  void givenATlsClusterWithoutUsableCaMaterial_thenNoAgentIsAskedAndTheTokenStaysOff()
      throws Exception {
    List<String> authorizations = new CopyOnWriteArrayList<>();
    HttpServer plain = HttpServer.create(new InetSocketAddress(PLAIN, AgentClient.PORT), 0);
    plain.createContext(
        "/v1/node",
        exchange -> {
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body = "{\"nodeId\":0}".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    plain.start();
    try (AdminQuorumClient client = new AdminQuorumClient(BOUND, cluster -> Optional.empty())) {
      Map<Integer, String> hosts = Map.of(0, PLAIN);

      assertThat(client.agents("ns/tls", hosts, "secret-token", true)).isEmpty();
      assertThat(authorizations).as("nothing reached the agent over plain HTTP").isEmpty();

      // a Plaintext cluster's agents are asked over HTTP, as before
      assertThat(client.agents("ns/plain", hosts, "secret-token", false)).containsOnlyKeys(0);
      assertThat(authorizations).containsExactly("Bearer secret-token");
    } finally {
      plain.stop(0);
    }
  }

  @Test
  void givenAFrozenAgent_thenTheFirstRoundWaitsTheBoundAndLaterRoundsOnlyBriefly() {
    AgentClient client = new AgentClient(BOUND);
    Map<Integer, String> hosts = Map.of(0, LIVE, 1, FROZEN);

    long first = System.nanoTime();
    Map<Integer, AgentReport> reports = client.nodes(hosts, "token");
    Duration firstRound = Duration.ofNanos(System.nanoTime() - first);
    long second = System.nanoTime();
    Map<Integer, ?> again = client.nodes(hosts, "token");
    Duration secondRound = Duration.ofNanos(System.nanoTime() - second);

    assertThat(reports).containsOnlyKeys(0);
    assertThat(reports.get(0).certificateNotAfter()).as("plain HTTP: no certificate").isNull();
    assertThat(reports.get(0).diskClusterId()).as("the /v1/node JSON's cluster id").contains("c0");
    assertThat(again).as("the live agent is still heard").containsOnlyKeys(0);
    assertThat(firstRound)
        .as("an agent not known to be silent gets the whole bound")
        .isGreaterThanOrEqualTo(BOUND);
    assertThat(secondRound)
        .as("an agent silent in the last round is waited for %s only", AgentClient.SILENT_BOUND)
        .isLessThan(BOUND.dividedBy(2));
  }
}
