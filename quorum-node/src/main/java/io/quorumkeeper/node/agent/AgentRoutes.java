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
 *       or not and nothing more. With {@code ?waitMs=N} (0 to {@link #MAX_WAIT_MS}) a node that is
 *       not ready holds the answer up to N ms and answers 200 the moment it becomes ready, so a
 *       kubelet probing every second sees readiness when it happens rather than up to a period
 *       later (docs/quorum-node.md, "The agent").
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

  /**
   * The longest hold a readiness probe may ask for: below the kubelet's one-second minimum probe
   * timeout, and short enough that a held connection cannot pin the agent's connection slots.
   */
  public static final int MAX_WAIT_MS = 1000;

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
    if (request.waitMs() != null && waitMillis(request) < 0) {
      return error(
          400,
          "bad_request",
          "waitMs must be a whole number of milliseconds from 0 to " + MAX_WAIT_MS);
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

  /**
   * How long the answer to {@code request} may be held for the node to become ready: its {@code
   * waitMs} for a GET of readyz while the node is not ready, otherwise zero (answer now). A {@code
   * waitMs} that is not a number within bounds is zero here and a 400 from {@link #handle}.
   */
  public long holdMillis(AgentRequest request) {
    if (!READYZ.equals(request.path()) || !"GET".equals(request.method())) {
      return 0;
    }
    long wait = waitMillis(request);
    return wait > 0 && !ready() ? wait : 0;
  }

  /**
   * Whether the node is ready now; a probe that fails counts as ready, so the answer is not held.
   */
  public boolean ready() {
    try {
      return probe.status().readiness().ready();
    } catch (RuntimeException e) {
      return true;
    }
  }

  /** The request's {@code waitMs}, 0 when absent, -1 when not a number from 0 to the maximum. */
  private static long waitMillis(AgentRequest request) {
    String value = request.waitMs();
    if (value == null) {
      return 0;
    }
    if (value.isEmpty()
        || value.length() > 4
        || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    int wait = Integer.parseInt(value);
    return wait <= MAX_WAIT_MS ? wait : -1;
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
