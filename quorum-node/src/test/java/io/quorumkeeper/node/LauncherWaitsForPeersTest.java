package io.quorumkeeper.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.node.storage.AgentFormationCheck;
import java.time.Duration;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Before Kafka starts, the launcher waits for what its controller peers' agents say, each wait with
 * a bound after which Kafka starts anyway: a broker-only node for a leader that has committed
 * records (ADR 018), a controller that formatted an empty disk for its peers to stop naming it
 * their leader (ADR 019).
 */
class LauncherWaitsForPeersTest {

  private static final int PORT = 18556;
  private static final String CONTROLLERS = "127.0.56.1:9093,127.0.56.2:9093";
  private static final String COMMITTED_BY_0 =
      "{\"leaderId\":0,\"logEndOffset\":3,\"highWatermark\":3}";
  private static final String UNCOMMITTED =
      "{\"leaderId\":0,\"logEndOffset\":3,\"highWatermark\":-1}";
  private static final String LED_BY_2 = "{\"leaderId\":2,\"logEndOffset\":9,\"highWatermark\":9}";

  private PeerAgent agent;

  /** The first controller's agent; the second never answers. */
  private PeerAgent peer(IntFunction<String> answer) {
    agent = new PeerAgent("127.0.56.1", PORT, answer);
    return agent;
  }

  @AfterEach
  void stop() {
    if (agent != null) {
      agent.close();
    }
  }

  private static AgentFormationCheck controllers() {
    return new AgentFormationCheck(CONTROLLERS, PORT, "t0ken", Duration.ofMillis(500));
  }

  private static Duration timed(Waiting wait) throws InterruptedException {
    long start = System.nanoTime();
    wait.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private interface Waiting {
    void run() throws InterruptedException;
  }

  @Test
  void givenTheLeaderCommitsAfterAWhile_thenTheBrokerStartsThen_beforeTheBound() throws Exception {
    PeerAgent controller = peer(n -> n <= 3 ? UNCOMMITTED : COMMITTED_BY_0);

    Duration waited =
        timed(() -> Launcher.awaitCommittedQuorum(controllers(), 100, Duration.ofSeconds(20)));

    assertThat(controller.asked()).as("asked until it said committed").isEqualTo(4);
    assertThat(waited).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void givenNoControllerAnswers_thenTheBrokerStartsAtTheBound() throws Exception {
    Duration waited =
        timed(() -> Launcher.awaitCommittedQuorum(controllers(), 100, Duration.ofMillis(600)));

    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(600));
  }

  @Test
  void givenThePeersNameThisNodeLeader_thenKafkaWaitsUntilTheyNameAnother() throws Exception {
    PeerAgent controller = peer(n -> n <= 3 ? LED_BY_2 : COMMITTED_BY_0);

    Duration waited =
        timed(() -> Launcher.awaitAnotherLeader(controllers(), 2, Duration.ofSeconds(20)));

    assertThat(controller.asked()).as("asked until it named another leader").isEqualTo(4);
    assertThat(waited).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void givenThePeersNameAnotherLeader_thenKafkaStartsAtOnce() throws Exception {
    PeerAgent controller = peer(n -> COMMITTED_BY_0);

    Launcher.awaitAnotherLeader(controllers(), 2, Duration.ofSeconds(20));

    assertThat(controller.asked()).isEqualTo(1);
    assertThat(controllers().namesAsLeader(0)).isTrue();
    assertThat(controllers().namesAsLeader(2)).isFalse();
  }

  @Test
  void givenThePeersNeverElectAnother_thenKafkaStartsAtTheBound() throws Exception {
    peer(n -> LED_BY_2);

    Duration waited =
        timed(() -> Launcher.awaitAnotherLeader(controllers(), 2, Duration.ofMillis(600)));

    assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(600));
  }
}
