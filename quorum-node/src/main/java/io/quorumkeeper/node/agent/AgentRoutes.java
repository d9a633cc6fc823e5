package io.quorumkeeper.node.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP API without the HTTP server: request in, response out, never an exception.
 *
 * <ul>
 *   <li>{@code GET /v1/healthz} — liveness: 200 while the agent answers and Kafka has not stopped.
 *       It never looks at the quorum, so losing the quorum does not make the kubelet restart every
 *       pod.
 *   <li>{@code GET /v1/readyz} — readiness: 200 when Kafka serves and (controller roles) follows a
 *       known leader and (broker roles) the broker is RUNNING; 503 otherwise. The body says ready
 *       or not and nothing more.
 *   <li>{@code GET /v1/node} — node id, directory id, cluster id, roles and raft state as JSON
 *       (token needed).
 *   <li>{@code GET /metrics} — Prometheus text (token needed).
 * </ul>
 *
 * Unknown paths get 404, other methods 405, missing or wrong tokens 401; all errors are JSON {@code
 * {"error", "message"}} and never carry a stack trace.
 */
public final class AgentRoutes {

  public static final String HEALTHZ = "/v1/healthz";
  public static final String READYZ = "/v1/readyz";
  public static final String NODE = "/v1/node";
  public static final String METRICS = "/metrics";
  static final String OTHER_PATH = "other";

  private static final Logger LOG = LoggerFactory.getLogger(AgentRoutes.class);

  private record Route(boolean needsToken, Function<NodeStatus, AgentResponse> handler) {}

  private final Map<String, Route> routes = new LinkedHashMap<>();
  private final NodeProbe probe;
  private final BearerToken token;
  private final RequestCounter counter;
  private final ObjectMapper json = new ObjectMapper();
  private volatile NodeStatus.Readiness lastReadiness;

  public AgentRoutes(NodeProbe probe, BearerToken token, RequestCounter counter) {
    this.probe = probe;
    this.token = token;
    this.counter = counter;
    routes.put(HEALTHZ, new Route(false, this::healthz));
    routes.put(READYZ, new Route(false, this::readyz));
    routes.put(NODE, new Route(true, status -> jsonResponse(200, NodeView.of(status))));
    routes.put(METRICS, new Route(true, this::metrics));
  }

  /** Answers one request; every outcome, including failures of the probe, is a response. */
  public AgentResponse handle(AgentRequest request) {
    Route route = routes.get(request.path());
    AgentResponse response;
    try {
      response = dispatch(route, request);
    } catch (RuntimeException e) {
      LOG.warn("agent failed to answer {} {}", request.method(), request.path(), e);
      response = error(500, "internal", "the agent could not read the node state; see the pod log");
    }
    counter.record(route == null ? OTHER_PATH : request.path(), response.status());
    return response;
  }

  /** The answer to a request whose body is larger than the agent accepts. */
  public AgentResponse tooLarge(int maxBytes) {
    counter.record(OTHER_PATH, 413);
    return error(413, "too_large", "request bodies are limited to " + maxBytes + " bytes");
  }

  /** The answer to a request the HTTP layer could not parse. */
  public AgentResponse badRequest(String why) {
    counter.record(OTHER_PATH, 400);
    return error(400, "bad_request", why);
  }

  private AgentResponse dispatch(Route route, AgentRequest request) {
    if (route == null) {
      return error(404, "not_found", "no such path; try " + String.join(", ", routes.keySet()));
    }
    if (!"GET".equals(request.method())) {
      AgentResponse response = error(405, "method_not_allowed", "only GET is allowed here");
      return new AgentResponse(
          response.status(), response.contentType(), response.body(), Map.of("Allow", "GET"));
    }
    if (route.needsToken() && !token.accepts(request.authorization())) {
      AgentResponse response =
          error(401, "unauthorized", "send Authorization: Bearer <agent token>");
      return new AgentResponse(
          response.status(),
          response.contentType(),
          response.body(),
          Map.of("WWW-Authenticate", "Bearer"));
    }
    return route.handler().apply(probe.status());
  }

  private AgentResponse healthz(NodeStatus status) {
    return status.kafkaAlive()
        ? jsonResponse(200, Map.of("status", "alive"))
        : jsonResponse(503, Map.of("status", "failed"));
  }

  /**
   * Anyone who reaches the port may ask, so the body says ready or not and nothing else (no raft
   * state, no leader id); the reason goes to the pod log when the verdict or its reason changes.
   */
  private AgentResponse readyz(NodeStatus status) {
    NodeStatus.Readiness readiness = status.readiness();
    if (!readiness.equals(lastReadiness)) {
      lastReadiness = readiness;
      LOG.info(
          "node {} is {}: {}",
          status.identity().nodeId(),
          readinessWord(readiness),
          readiness.reason());
    }
    return jsonResponse(readiness.ready() ? 200 : 503, Map.of("status", readinessWord(readiness)));
  }

  private static String readinessWord(NodeStatus.Readiness readiness) {
    return readiness.ready() ? "ready" : "not_ready";
  }

  private AgentResponse metrics(NodeStatus status) {
    String text = PrometheusText.render(status, counter.snapshot());
    return new AgentResponse(
        200, PrometheusText.CONTENT_TYPE, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  private AgentResponse error(int status, String code, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    return jsonResponse(status, body);
  }

  private AgentResponse jsonResponse(int status, Object body) {
    try {
      return new AgentResponse(status, AgentResponse.JSON, json.writeValueAsBytes(body), Map.of());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "cannot write JSON for " + body.getClass().getSimpleName(), e);
    }
  }
}
