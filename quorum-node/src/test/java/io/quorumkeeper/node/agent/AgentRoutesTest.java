package io.quorumkeeper.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentRoutesTest {

  static final String TOKEN = "s3cr3t-t0ken_AbCdEfGhIjKlMnOpQrStUvWxYz012";
  static final String BEARER = "Bearer " + TOKEN;

  private final ObjectMapper json = new ObjectMapper();
  private final FakeNodeProbe probe = new FakeNodeProbe(FakeNodeProbe.controllerFollowing(0, 7));
  private final RequestCounter counter = new RequestCounter();
  private final AgentRoutes routes = new AgentRoutes(probe, new BearerToken(TOKEN), counter);

  private AgentResponse get(String path, String authorization) {
    return routes.handle(new AgentRequest("GET", path, authorization));
  }

  private JsonNode body(AgentResponse response) throws IOException {
    assertThat(response.contentType()).isEqualTo("application/json");
    return json.readTree(response.body());
  }

  @Test
  void givenAFollower_whenNodeIsRequestedWithTheToken_thenItsRaftViewIsReturned()
      throws IOException {
    AgentResponse response = get("/v1/node", BEARER);

    assertThat(response.status()).isEqualTo(200);
    JsonNode node = body(response);
    assertThat(node.get("nodeId").asInt()).isEqualTo(1);
    assertThat(node.get("directoryId").asText()).isEqualTo("Zm9vYmFyYmF6cXV4MTIzNA");
    assertThat(node.get("clusterId").asText()).isEqualTo("MkU3OEVBNTcwNTJENDM2Qg");
    assertThat(node.get("roles").toString()).isEqualTo("[\"controller\"]");
    assertThat(node.get("raftState").asText()).isEqualTo("follower");
    assertThat(node.get("leaderId").asInt()).isEqualTo(0);
    assertThat(node.get("leaderEpoch").asInt()).isEqualTo(7);
    assertThat(node.get("highWatermark").asLong()).isEqualTo(120);
    assertThat(node.get("logEndOffset").asLong()).isEqualTo(121);
  }

  @Test
  void givenNoLeaderYet_whenNodeIsRequested_thenLeaderIdIsNullNotMinusOne() throws IOException {
    probe.set(FakeNodeProbe.controllerFollowing(-1, 3));

    assertThat(body(get("/v1/node", BEARER)).get("leaderId").isNull()).isTrue();
  }

  @Test
  void givenKafkaHasNotStartedRaft_whenNodeIsRequested_thenRaftFieldsAreNull() throws IOException {
    probe.set(new NodeStatus(FakeNodeProbe.CONTROLLER, true, Optional.empty(), Optional.empty()));

    JsonNode node = body(get("/v1/node", BEARER));
    assertThat(node.get("raftState").isNull()).isTrue();
    assertThat(node.get("leaderEpoch").isNull()).isTrue();
    assertThat(node.get("directoryId").asText()).isEqualTo("Zm9vYmFyYmF6cXV4MTIzNA");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "Bearer", "Bearer ", "Basic czNjcjN0", "Bearer wrong", "Bearer s3cr3t"})
  void givenAMissingOrWrongToken_whenProtectedPathsAreRequested_then401(String authorization)
      throws IOException {
    for (String path : new String[] {"/v1/node", "/metrics"}) {
      AgentResponse response = get(path, authorization.isEmpty() ? null : authorization);

      assertThat(response.status()).isEqualTo(401);
      assertThat(response.headers()).containsEntry("WWW-Authenticate", "Bearer");
      assertThat(body(response).get("error").asText()).isEqualTo("unauthorized");
    }
  }

  @Test
  void theBearerSchemeIsCaseInsensitive() {
    assertThat(get("/v1/node", "bearer " + TOKEN).status()).isEqualTo(200);
  }

  @Test
  void probesNeedNoToken() {
    assertThat(get("/v1/healthz", null).status()).isEqualTo(200);
    assertThat(get("/v1/readyz", null).status()).isEqualTo(200);
  }

  @Test
  void givenKafkaStopped_whenLivenessIsProbed_then503() throws IOException {
    probe.set(
        new NodeStatus(
            FakeNodeProbe.CONTROLLER,
            false,
            Optional.of(FakeNodeProbe.follower(0, 7)),
            Optional.empty()));

    AgentResponse response = get("/v1/healthz", null);
    assertThat(response.status()).isEqualTo(503);
    assertThat(body(response).get("status").asText()).isEqualTo("failed");
  }

  @Test
  void givenNoLeader_whenProbed_thenLiveButNotReady() throws IOException {
    probe.set(
        new NodeStatus(
            FakeNodeProbe.CONTROLLER,
            true,
            Optional.of(
                new RaftMetrics("candidate", -1, 9, 120, 121, RaftMetrics.Latencies.unknown())),
            Optional.empty()));

    assertThat(get("/v1/healthz", null).status()).isEqualTo(200);
    AgentResponse ready = get("/v1/readyz", null);
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.bodyText()).isEqualTo("{\"status\":\"not_ready\"}");
  }

  @Test
  void givenAFollowerOfAKnownLeader_whenReadinessIsAskedWithoutToken_thenTheBodySaysOnlyReady() {
    AgentResponse ready = get("/v1/readyz", null);

    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.bodyText()).isEqualTo("{\"status\":\"ready\"}");
  }

  @Test
  void givenKafkaStopped_whenProbedWithoutToken_thenNoBodySaysMoreThanItsVerdict() {
    probe.set(
        new NodeStatus(
            FakeNodeProbe.CONTROLLER,
            false,
            Optional.of(FakeNodeProbe.follower(0, 7)),
            Optional.empty()));

    assertThat(get("/v1/healthz", null).bodyText()).isEqualTo("{\"status\":\"failed\"}");
    assertThat(get("/v1/readyz", null).bodyText()).isEqualTo("{\"status\":\"not_ready\"}");
  }

  @Test
  void givenAnUnknownPath_then404Json() throws IOException {
    AgentResponse response = get("/v1/secrets", BEARER);

    assertThat(response.status()).isEqualTo(404);
    assertThat(body(response).get("error").asText()).isEqualTo("not_found");
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "HEAD"})
  void givenAnotherMethod_then405Json(String method) throws IOException {
    AgentResponse response = routes.handle(new AgentRequest(method, "/v1/node", BEARER));

    assertThat(response.status()).isEqualTo(405);
    assertThat(response.headers()).containsEntry("Allow", "GET");
    assertThat(body(response).get("error").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void givenTheProbeFails_then500WithoutAStackTrace() throws IOException {
    probe.failWith(new IllegalStateException("cannot read kafka.server:type=raft-metrics: boom"));

    AgentResponse response = get("/v1/node", BEARER);

    assertThat(response.status()).isEqualTo(500);
    assertThat(body(response).get("error").asText()).isEqualTo("internal");
    assertThat(response.bodyText()).doesNotContain("boom", "Exception", "at io.");
  }

  @Test
  void givenRequests_whenMetricsAreScraped_thenRaftMetricsAndTheRequestCounterAreExposed() {
    get("/v1/healthz", null);
    get("/v1/node", "Bearer wrong");
    get("/nope", null);

    AgentResponse response = get("/metrics", BEARER);

    assertThat(response.status()).isEqualTo(200);
    assertThat(response.contentType()).startsWith("text/plain; version=0.0.4");
    assertThat(response.bodyText())
        .contains(
            "kafka_raft_current_state{state=\"follower\"} 1\n",
            "kafka_raft_current_leader 0\n",
            "kafka_raft_current_epoch 7\n",
            "kafka_raft_high_watermark 120\n",
            "kafka_raft_log_end_offset 121\n",
            "kafka_raft_commit_latency_avg_ms 1.5\n",
            "kafka_raft_commit_latency_max_ms 4\n",
            "kafka_raft_election_latency_avg_ms NaN\n",
            "kafka_raft_election_latency_max_ms NaN\n",
            "# TYPE quorum_agent_requests_total counter\n",
            "quorum_agent_requests_total{path=\"/v1/healthz\",code=\"200\"} 1\n",
            "quorum_agent_requests_total{path=\"/v1/node\",code=\"401\"} 1\n",
            "quorum_agent_requests_total{path=\"other\",code=\"404\"} 1\n",
            "quorum_node_info{node_id=\"1\",directory_id=\"Zm9vYmFyYmF6cXV4MTIzNA\"");
  }

  @Test
  void givenNoRaftMetricsYet_whenScraped_thenOnlyIdentityAndAgentSeriesAppear() {
    probe.set(new NodeStatus(FakeNodeProbe.CONTROLLER, true, Optional.empty(), Optional.empty()));

    assertThat(get("/metrics", BEARER).bodyText())
        .contains("quorum_node_info")
        .doesNotContain("kafka_raft_");
  }
}
