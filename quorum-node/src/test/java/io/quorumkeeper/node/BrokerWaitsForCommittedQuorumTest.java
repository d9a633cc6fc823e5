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
 * A broker-only node starts Kafka once a controller's agent reports a leader that has committed
 * records (ADR 018), and after its bound without one.
 */
class BrokerWaitsForCommittedQuorumTest {

  private static final int PORT = 18556;
  private static final String CONTROLLERS = "127.0.56.1:9093,127.0.56.2:9093";

  private HttpServer agent;

  /** A controller's agent that reports no commit for its first {@code uncommitted} answers. */
  private AtomicInteger controllerAgent(int uncommitted) throws IOException {
    AtomicInteger asked = new AtomicInteger();
    agent = HttpServer.create(new InetSocketAddress("127.0.56.1", PORT), 0);
    agent.createContext(
        "/v1/node",
        exchange -> {
          String json =
              asked.incrementAndGet() <= uncommitted
                  ? "{\"leaderId\":0,\"logEndOffset\":3,\"highWatermark\":-1}"
                  : "{\"leaderId\":0,\"logEndOffset\":3,\"highWatermark\":3}";
          byte[] body = json.getBytes(StandardCharsets.UTF_8);
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
  void givenTheLeaderCommitsAfterAWhile_thenKafkaStartsThen_beforeTheBound() throws Exception {
    AtomicInteger asked = controllerAgent(3);

    long start = System.nanoTime();
    Launcher.awaitCommittedQuorum(controllers(), 100, Duration.ofSeconds(20));
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(asked.get()).as("asked until it said committed").isEqualTo(4);
    assertThat(waited).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void givenNoControllerAnswers_thenKafkaStartsAtTheBound() throws Exception {
    long start = System.nanoTime();
    Launcher.awaitCommittedQuorum(controllers(), 100, Duration.ofMillis(600));
    Duration waited = Duration.ofNanos(System.nanoTime() - start);

    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(600));
  }
}
