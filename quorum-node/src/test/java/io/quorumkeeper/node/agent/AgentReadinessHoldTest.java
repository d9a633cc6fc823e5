package io.quorumkeeper.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code GET /v1/readyz?waitMs=N} on a real loopback port: a node that is not ready holds the
 * answer and gives 200 as soon as it becomes ready, so a kubelet probing once a second learns of
 * readiness when it happens.
 */
class AgentReadinessHoldTest {

  private static final NodeStatus STARTING =
      new NodeStatus(FakeNodeProbe.CONTROLLER, true, Optional.empty(), Optional.empty());

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
  private final FakeNodeProbe probe = new FakeNodeProbe(STARTING);
  private final RequestCounter counter = new RequestCounter();
  private AgentServer server;
  private String base;

  @BeforeEach
  void start() {
    AgentRoutes routes = new AgentRoutes(probe, new BearerToken(AgentRoutesTest.TOKEN), counter);
    server = AgentServer.start("127.0.0.1", 0, routes);
    base = "http://127.0.0.1:" + server.address().getPort();
  }

  @AfterEach
  void stop() {
    later.shutdownNow();
    server.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void givenANodeThatBecomesReadyDuringTheHold_whenProbedWithWait_then200() throws Exception {
    later.schedule(
        () -> probe.set(FakeNodeProbe.controllerFollowing(2, 5)), 300, TimeUnit.MILLISECONDS);

    HttpResponse<String> response = get("/v1/readyz?waitMs=1000");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"ready\"}");
    // one request, one count, however often the held request looked at the node
    assertThat(counter.snapshot())
        .containsEntry(new RequestCounter.Key(AgentRoutes.READYZ, 200), 1L);
  }

  @Test
  void givenANodeThatStaysNotReady_whenProbedWithWait_then503AfterTheHold() throws Exception {
    long t0 = System.nanoTime();

    HttpResponse<String> response = get("/v1/readyz?waitMs=250");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
  }

  @Test
  void withoutWait_aNodeThatIsNotReadyAnswers503AtOnce() throws Exception {
    later.schedule(
        () -> probe.set(FakeNodeProbe.controllerFollowing(2, 5)), 300, TimeUnit.MILLISECONDS);

    assertThat(get("/v1/readyz").statusCode()).isEqualTo(503);
  }

  @Test
  void aHeldAnswerKeepsTheConnectionForTheNextRequest() throws Exception {
    assertThat(get("/v1/readyz?waitMs=50").statusCode()).isEqualTo(503);
    probe.set(FakeNodeProbe.controllerFollowing(2, 5));

    assertThat(get("/v1/readyz?waitMs=50").statusCode()).isEqualTo(200);
    assertThat(get("/v1/healthz").statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"1001", "99999999999", "-1", "abc", "", "1e3", "%20"})
  void givenAWaitOutOfBounds_whenProbed_then400(String wait) throws Exception {
    HttpResponse<String> response = get("/v1/readyz?waitMs=" + wait);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("waitMs must be a whole number");
  }
}
