package io.quorumkeeper.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quorumkeeper.node.storage.AgentFormationCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A controller that formatted an empty disk starts Kafka once its peers no longer name it their
 * leader (ADR 019), and after its bound when they keep doing so.
 */
class WipedLeaderWaitsForElectionTest {

  private static final int PORT = 18557;
  private static final String CONTROLLERS = "127.0.57.1:9093,127.0.57.2:9093";

  private HttpServer agent;

  /** A peer's agent that names node 2 its leader for its first {@code stale} answers, then 0. */
  private AtomicInteger peerAgent(int stale) throws IOException {
    AtomicInteger asked = new AtomicInteger();
    agent = HttpServer.create(new InetSocketAddress("127.0.57.1", PORT), 0);
    agent.createContext(
        "/v1/node",
        exchange -> {
          int leader = asked.incrementAndGet() <= stale ? 2 : 0;
          byte[] body =
              ("{\"leaderId\":" + leader + ",\"logEndOffset\":9,\"highWatermark\":9}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    agent.start();
    return asked;
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.stop(0);
    }
  }

  private static AgentFormationCheck controllers() {
    return new AgentFormationCheck(CONTROLLERS, PORT, "t0ken", Duration.ofMillis(500));
  }

  @Test
  void givenThePeersNameThisNodeLeader_thenKafkaWaitsUntilTheyNameAnother() throws Exception {
    AtomicInteger asked = peerAgent(3);

    long start = System.nanoTime();
    Launcher.awaitAnotherLeader(controllers(), 2, Duration.ofSeconds(20));
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(asked.get()).as("asked until it named another leader").isEqualTo(4);
    assertThat(waited).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void givenThePeersNameAnotherLeader_thenKafkaStartsAtOnce() throws Exception {
    AtomicInteger asked = peerAgent(0);

    Launcher.awaitAnotherLeader(controllers(), 2, Duration.ofSeconds(20));

    assertThat(asked.get()).isEqualTo(1);
    assertThat(controllers().namesAsLeader(0)).isTrue();
    assertThat(controllers().namesAsLeader(2)).isFalse();
  }

  @Test
  void givenThePeersNeverElectAnother_thenKafkaStartsAtTheBound() throws Exception {
    peerAgent(Integer.MAX_VALUE);

    long start = System.nanoTime();
    Launcher.awaitAnotherLeader(controllers(), 2, Duration.ofMillis(600));
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(600));
  }
}
