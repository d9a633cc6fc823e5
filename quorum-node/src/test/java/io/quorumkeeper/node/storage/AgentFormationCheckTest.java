package io.quorumkeeper.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.quorumkeeper.node.agent.NodeView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Peers' agents, played by real HTTP servers on 127.0.55.x, as evidence of a formed quorum. */
class AgentFormationCheckTest {

  static final int PORT = 18555;
  final List<HttpServer> servers = new ArrayList<>();

  /** How many requests each peer's agent served, by address. */
  final Map<String, AtomicInteger> asked = new ConcurrentHashMap<>();

  void peer(String ip, String json) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(ip, PORT), 0);
    AtomicInteger requests = asked.computeIfAbsent(ip, k -> new AtomicInteger());
    server.createContext(
        "/v1/node",
        exchange -> {
          requests.incrementAndGet();
          boolean authorized =
              "Bearer t0ken".equals(exchange.getRequestHeaders().getFirst("Authorization"));
          byte[] body =
              (authorized ? json : "{\"error\":\"unauthorized\"}").getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(authorized ? 200 : 401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    servers.add(server);
  }

  OptionalInt check() {
    return new AgentFormationCheck(
            "127.0.55.1:9093,127.0.55.2:9093,127.0.55.3:9093", PORT, "t0ken", Duration.ofSeconds(1))
        .findLeader();
  }

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  @Test
  void givenAPeerFollowingALeader_thenThatLeader() throws IOException {
    peer("127.0.55.1", "{\"leaderId\":null,\"logEndOffset\":0,\"highWatermark\":null}");
    peer("127.0.55.2", "{\"leaderId\":2,\"logEndOffset\":40,\"highWatermark\":40}");

    assertThat(check()).hasValue(2);
  }

  @Test
  void givenAPeerWithRecordsButNoLeaderRightNow_thenFormedWithoutLeader() throws IOException {
    peer("127.0.55.1", "{\"leaderId\":null,\"logEndOffset\":310,\"highWatermark\":300}");

    assertThat(check()).hasValue(-1);
  }

  @Test
  void givenAPeerJustRestartedWithRecordsOnDisk_thenFormed_thoughKafkaSaysLogEndOffsetZero()
      throws IOException {
    // Kafka's log-end-offset gauge starts at 0 and moves on appends only; the disk says otherwise
    peer(
        "127.0.55.1",
        "{\"leaderId\":null,\"leaderEpoch\":7,\"logEndOffset\":0,\"highWatermark\":-1,"
            + "\"metadataRecordsOnDisk\":true}");
    peer(
        "127.0.55.2",
        "{\"leaderId\":null,\"logEndOffset\":0,\"highWatermark\":null,"
            + "\"metadataRecordsOnDisk\":false}");

    assertThat(check()).hasValue(-1);
  }

  @Test
  void givenPeersThatNeverFormed_thenNoEvidence() throws IOException {
    peer(
        "127.0.55.1",
        "{\"leaderId\":null,\"logEndOffset\":0,\"highWatermark\":null,"
            + "\"metadataRecordsOnDisk\":false}");
    peer("127.0.55.2", "{\"leaderId\":null,\"logEndOffset\":null,\"highWatermark\":null}");

    assertThat(check()).isEmpty();
  }

  AgentFormationCheck controllers() {
    return new AgentFormationCheck(
        "127.0.55.1:9093,127.0.55.2:9093,127.0.55.3:9093", PORT, "t0ken", Duration.ofSeconds(1));
  }

  @Test
  void committed_givenAControllerWithALeaderAndAHighWatermarkAboveZero() throws IOException {
    peer("127.0.55.1", "{\"leaderId\":null,\"logEndOffset\":0,\"highWatermark\":-1}");
    peer("127.0.55.2", "{\"leaderId\":1,\"logEndOffset\":3,\"highWatermark\":3}");

    assertThat(controllers().committed()).isTrue();
  }

  @Test
  void committed_notWhileTheLeaderHasCommittedNothing_norWithoutALeader() throws IOException {
    // a new leader's first records, not yet committed, can still be truncated (ADR 018)
    peer("127.0.55.1", "{\"leaderId\":1,\"logEndOffset\":3,\"highWatermark\":-1}");
    peer("127.0.55.2", "{\"leaderId\":null,\"logEndOffset\":40,\"highWatermark\":40}");

    assertThat(controllers().committed()).isFalse();
  }

  @Test
  void committed_notWhenNoControllerAnswers_butAtOnceWhenThereIsNoneToAsk() {
    assertThat(controllers().committed()).isFalse();
    assertThat(new AgentFormationCheck("", PORT, "t0ken", Duration.ofSeconds(1)).committed())
        .isTrue();
  }

  @Test
  void givenNoPeerAnswers_thenNoEvidence() {
    assertThat(check()).isEmpty();
  }

  @Test
  void givenAdminFindsNoLeader_thenTheAgentsAreAsked() throws IOException {
    peer("127.0.55.3", "{\"leaderId\":null,\"logEndOffset\":12,\"highWatermark\":12}");

    LeaderCheck combined =
        AgentFormationCheck.racing(
            OptionalInt::empty, agents(), Duration.ofMillis(50), Duration.ZERO);

    assertThat(combined.findLeader()).hasValue(-1);
  }

  static final String EMPTY =
      "{\"leaderId\":null,\"logEndOffset\":null,\"highWatermark\":null,"
          + "\"metadataRecordsOnDisk\":false}";

  AgentFormationCheck agents() {
    return new AgentFormationCheck(
        "127.0.55.1:9093,127.0.55.2:9093,127.0.55.3:9093", PORT, "t0ken", Duration.ofSeconds(1));
  }

  @Test
  void givenEveryControllerSaysItsDiskHoldsNoRecord_thenNeverFormed() throws IOException {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);
    peer("127.0.55.3", EMPTY);

    assertThat(agents().verdict()).isInstanceOf(AgentFormationCheck.Verdict.NeverFormed.class);
    assertThat(agents().findLeader()).isEmpty();
  }

  @Test
  void givenOneControllerSilent_thenUnknown() throws IOException {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);

    assertThat(agents().verdict()).isInstanceOf(AgentFormationCheck.Verdict.Unknown.class);
  }

  /** What a starting controller's own agent serves: no leader, no record on its disk. */
  static NodeView ownPreparing(boolean recordsOnDisk) {
    return new NodeView(
        3,
        null,
        "cluster",
        List.of("controller"),
        null,
        null,
        null,
        null,
        null,
        "4.4.0",
        recordsOnDisk);
  }

  @Test
  void givenItsOwnAgentReadInTheJvm_thenNothingNeedListenOnItsOwnHost() throws IOException {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);
    // nothing listens on 127.0.55.3: this node's answer comes from its probe, not its port

    assertThat(agents().answeringForItself("127.0.55.3", () -> ownPreparing(false)).verdict())
        .isInstanceOf(AgentFormationCheck.Verdict.NeverFormed.class);
    assertThat(agents().answeringForItself("127.0.55.3", () -> ownPreparing(true)).verdict())
        .as("its own disk holds records")
        .isEqualTo(new AgentFormationCheck.Verdict.Formed(-1));
  }

  @Test
  void givenItsOwnProbeFails_thenItCountsAsSilent_notAsNeverFormed() throws IOException {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);

    assertThat(
            agents()
                .answeringForItself(
                    "127.0.55.3",
                    () -> {
                      throw new IllegalStateException("JMX not reachable");
                    })
                .verdict())
        .isInstanceOf(AgentFormationCheck.Verdict.Unknown.class);
  }

  @Test
  void thePeersAreAskedTogether_notOneAfterTheOther() throws IOException {
    // each peer answers only once both have been asked: asked in turn, the first one's answer
    // would outlast the check's timeout and the round would decide nothing
    CountDownLatch bothAsked = new CountDownLatch(2);
    for (String ip : List.of("127.0.55.1", "127.0.55.2")) {
      HttpServer server = HttpServer.create(new InetSocketAddress(ip, PORT), 0);
      server.createContext(
          "/v1/node",
          exchange -> {
            bothAsked.countDown();
            awaitQuietly(bothAsked, Duration.ofSeconds(3));
            byte[] body = EMPTY.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
          });
      server.start();
      servers.add(server);
    }

    assertThat(agents().answeringForItself("127.0.55.3", () -> ownPreparing(false)).verdict())
        .isInstanceOf(AgentFormationCheck.Verdict.NeverFormed.class);
  }

  @Test
  void givenOneControllerNotSayingWhatItsDiskHolds_thenUnknown() throws IOException {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);
    peer("127.0.55.3", "{\"leaderId\":null,\"logEndOffset\":0,\"highWatermark\":null}");

    assertThat(agents().verdict())
        .as("an agent of an older launcher")
        .isInstanceOf(AgentFormationCheck.Verdict.Unknown.class);
  }

  @Test
  @Timeout(20) // fails rather than hangs if the check waited for the Kafka answer that never comes
  void racing_givenEveryDiskEmpty_thenNeverFormedWithoutWaitingForKafka() throws Exception {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);
    peer("127.0.55.3", EMPTY);
    CountDownLatch kafkaNeverAnswers = new CountDownLatch(1);

    OptionalInt leader =
        AgentFormationCheck.racing(
                () -> {
                  awaitQuietly(kafkaNeverAnswers);
                  return OptionalInt.of(9);
                },
                agents(),
                Duration.ofMillis(50),
                Duration.ZERO)
            .findLeader();

    assertThat(leader).as("never formed, decided by the agents alone").isEmpty();
    kafkaNeverAnswers.countDown();
  }

  @Test
  @Timeout(20) // fails rather than hangs if the check waited for the Kafka answer that never comes
  void racing_givenAPeerWithRecordsOnDisk_thenFormedWithoutWaitingForKafka() throws Exception {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", "{\"leaderId\":null,\"logEndOffset\":0,\"metadataRecordsOnDisk\":true}");
    CountDownLatch kafkaNeverAnswers = new CountDownLatch(1);

    OptionalInt leader =
        AgentFormationCheck.racing(
                () -> {
                  awaitQuietly(kafkaNeverAnswers);
                  return OptionalInt.empty();
                },
                agents(),
                Duration.ofMillis(50),
                Duration.ZERO)
            .findLeader();

    assertThat(leader).hasValue(-1);
    kafkaNeverAnswers.countDown();
  }

  @Test
  @Timeout(20) // fails rather than hangs if the check waited for the Kafka answer that never comes
  void racing_givenAPeerSilent_thenKafkasAnswer_thenOneLastRoundOfTheAgents() throws Exception {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);
    // 127.0.55.3 silent: the agents alone decide nothing

    assertThat(
            AgentFormationCheck.racing(
                    () -> OptionalInt.of(2), agents(), Duration.ofMillis(50), Duration.ZERO)
                .findLeader())
        .as("Kafka found leader 2")
        .hasValue(2);
    assertThat(
            AgentFormationCheck.racing(
                    OptionalInt::empty, agents(), Duration.ofMillis(50), Duration.ZERO)
                .findLeader())
        .as("Kafka found none and neither did the agents")
        .isEmpty();
  }

  @Test
  void racing_givenTheAgentsDecideWithinTheHeadStart_thenKafkaIsNeverAsked() throws Exception {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);
    peer("127.0.55.3", EMPTY);
    AtomicInteger kafkaAsked = new AtomicInteger();

    OptionalInt leader =
        AgentFormationCheck.racing(
                () -> {
                  kafkaAsked.incrementAndGet();
                  return OptionalInt.of(9);
                },
                agents(),
                Duration.ofMillis(50),
                Duration.ofSeconds(30))
            .findLeader();

    assertThat(leader).isEmpty();
    assertThat(kafkaAsked).as("Kafka's Admin client never built").hasValue(0);
  }

  @Test
  @Timeout(20)
  void racing_givenAPeerSilentPastTheHeadStart_thenKafkaIsAskedAndItsLeaderTaken()
      throws Exception {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);
    AtomicInteger kafkaAsked = new AtomicInteger();

    OptionalInt leader =
        AgentFormationCheck.racing(
                () -> {
                  kafkaAsked.incrementAndGet();
                  return OptionalInt.of(2);
                },
                agents(),
                Duration.ofMillis(50),
                Duration.ofMillis(300))
            .findLeader();

    assertThat(leader).hasValue(2);
    assertThat(kafkaAsked).hasValue(1);
  }

  @Test
  @Timeout(20)
  void racing_givenTheLastAgentUpLate_thenOnlyItIsAskedAgainAndTheEarlierAnswersCount()
      throws Exception {
    peer("127.0.55.1", EMPTY);
    peer("127.0.55.2", EMPTY);
    CompletableFuture<Void> lateAgent =
        CompletableFuture.runAsync(
            () -> {
              try {
                peer("127.0.55.3", EMPTY);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));

    OptionalInt leader =
        AgentFormationCheck.racing(
                () -> OptionalInt.of(9), agents(), Duration.ofMillis(50), Duration.ofSeconds(30))
            .findLeader();

    lateAgent.join();
    assertThat(leader).as("never formed, once the late agent answered").isEmpty();
    assertThat(asked.get("127.0.55.1")).as("answered in the first round").hasValue(1);
    assertThat(asked.get("127.0.55.2")).as("answered in the first round").hasValue(1);
    assertThat(asked.get("127.0.55.3")).hasPositiveValue();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void awaitQuietly(CountDownLatch latch, Duration atMost) {
    try {
      latch.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
