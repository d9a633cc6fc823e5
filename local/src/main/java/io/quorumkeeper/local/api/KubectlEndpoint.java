package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded API as the real {@code kubectl} needs it, on its own port (the one the runtime's
 * kubeconfig names): discovery ({@link Discovery}), OpenAPI v3 for the CRD ({@link OpenApiV3}),
 * server-side tables ({@link Tables}), field selectors on any field ({@link FieldSelector}) and
 * watches as streamed HTTP responses ({@link WatchRelay}); every other request goes unchanged to
 * the mock API, which the operator and the runtime's own clients use directly.
 */
public final class KubectlEndpoint implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KubectlEndpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration DEFAULT_WATCH = Duration.ofMinutes(30);

  private final String apiUrl;
  private final HttpServer server;
  private final ExecutorService threads;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Discovery discovery;
  private final OpenApiV3 openApi;
  private final Tables tables;
  private final byte[] openApiV2;
  private final WatchRelay watches = new WatchRelay(http);
  private volatile boolean closed;

  private KubectlEndpoint(String apiUrl, ServedCrd crd, HttpServer server, ExecutorService t) {
    this.apiUrl = apiUrl;
    this.server = server;
    this.threads = t;
    this.discovery = new Discovery(crd);
    this.openApi = new OpenApiV3(crd);
    this.openApiV2 = new OpenApiV2Proto(crd, openApi.schemaName(), openApi.schema()).document();
    this.tables = new Tables(crd, Clock.systemUTC());
  }

  /** Serves kubectl on a free port of 127.0.0.1, in front of the mock API at {@code apiUrl}. */
  public static KubectlEndpoint start(String apiUrl, Path crdFile) {
    ServedCrd crd = ServedCrd.read(crdFile);
    ExecutorService threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "kubectl-endpoint");
              t.setDaemon(true);
              return t;
            });
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot serve kubectl on 127.0.0.1: " + e.getMessage());
    }
    KubectlEndpoint endpoint = new KubectlEndpoint(apiUrl, crd, server, threads);
    server.setExecutor(threads);
    server.createContext("/", endpoint::handle);
    server.start();
    return endpoint;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      route(exchange);
    } catch (IOException | RuntimeException e) {
      LOG.debug("kubectl request {} failed: {}", exchange.getRequestURI(), e.toString());
      try {
        send(exchange, 500, status(500, "InternalError", String.valueOf(e.getMessage())));
      } catch (IOException | RuntimeException ignored) {
        // the response had begun, or the client is gone
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    if ("GET".equals(exchange.getRequestMethod())) {
      Optional<String> document =
          discovery
              .document(path, "127.0.0.1:" + server.getAddress().getPort())
              .or(() -> openApi.document(path));
      if (document.isPresent()) {
        send(exchange, 200, document.get());
        return;
      }
      if ("/openapi/v2".equals(path)) {
        exchange.getResponseHeaders().set("Content-Type", OpenApiV2Proto.CONTENT_TYPE);
        exchange.sendResponseHeaders(200, openApiV2.length);
        exchange.getResponseBody().write(openApiV2);
        return;
      }
      if (path.startsWith("/openapi/") || path.startsWith("/swagger") || "/".equals(path)) {
        send(exchange, 404, status(404, "NotFound", "the server could not find the resource"));
        return;
      }
      if ("true".equals(query.get("watch")) || "1".equals(query.get("watch"))) {
        watch(exchange, path, query);
        return;
      }
    }
    forward(exchange, path, query);
  }

  private void forward(HttpExchange exchange, String path, Map<String, String> query)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(mockUri("http", path, query))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/json")
            .method(
                exchange.getRequestMethod(),
                HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type"))
        .ifPresent(v -> request.header("Content-Type", v));
    Optional.ofNullable(exchange.getRequestHeaders().getFirst("User-Agent"))
        .ifPresent(v -> request.header("User-Agent", v));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    String body = response.body();
    if ("GET".equals(exchange.getRequestMethod()) && response.statusCode() == 200) {
      body = shaped(exchange, path, query, body);
    }
    send(exchange, response.statusCode(), body);
  }

  /** A GET's answer filtered by the field selector and, when kubectl asks, as a Table. */
  private String shaped(HttpExchange exchange, String path, Map<String, String> query, String body)
      throws IOException {
    FieldSelector selector = FieldSelector.parse(query.get("fieldSelector"));
    boolean table = wantsTable(exchange);
    String plural = resource(path);
    if (plural.isEmpty()) {
      return body;
    }
    JsonNode answer = JSON.readTree(body);
    if (!answer.isObject() || "Status".equals(answer.path("kind").asText())) {
      return body;
    }
    if ("List".equals(answer.path("kind").asText())) {
      typeList((ObjectNode) answer, path, plural);
    }
    if (!selector.isEverything() && answer.path("items").isArray()) {
      ArrayNode kept = JSON.createArrayNode();
      answer.path("items").forEach(i -> kept.add(selector.matches(i) ? i : null));
      ArrayNode items = ((ObjectNode) answer).putArray("items");
      kept.forEach(i -> addIfPresent(items, i));
    }
    return table
        ? tables.table(plural, answer, query.get("includeObject"), true).toString()
        : answer.toString();
  }

  /**
   * The mock answers every list as {@code kind: List}; typed clients (kubectl describe reads an
   * object's events into an EventList) need the list's own kind, as a real API server sends it.
   */
  private void typeList(ObjectNode list, String path, String plural) {
    String groupVersion = groupVersion(path);
    discovery
        .resource(groupVersion, plural)
        .ifPresent(r -> list.put("kind", r.kind() + "List").put("apiVersion", groupVersion));
  }

  private static String groupVersion(String path) {
    String[] parts = path.split("/");
    if (path.startsWith("/api/") && parts.length > 2) {
      return parts[2];
    }
    return parts.length > 3 ? parts[2] + "/" + parts[3] : "";
  }

  private static void addIfPresent(ArrayNode items, JsonNode item) {
    if (item != null && !item.isNull()) {
      items.add(item);
    }
  }

  private void watch(HttpExchange exchange, String path, Map<String, String> query)
      throws IOException {
    String plural = resource(path);
    boolean table = wantsTable(exchange) && !plural.isEmpty();
    String include = query.get("includeObject");
    UnaryOperator<JsonNode> view =
        table ? o -> tables.table(plural, o, include, true) : UnaryOperator.identity();
    Duration lifetime =
        Optional.ofNullable(query.get("timeoutSeconds"))
            .filter(s -> s.matches("\\d+"))
            .map(s -> Duration.ofSeconds(Long.parseLong(s)))
            .orElse(DEFAULT_WATCH);
    String from = query.getOrDefault("resourceVersion", "");
    WatchRelay.Request request =
        new WatchRelay.Request(
            mockUri("ws", path, query),
            from.matches("\\d+") && !"0".equals(from) ? Long.parseLong(from) : -1,
            FieldSelector.parse(query.get("fieldSelector")),
            lifetime,
            view);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    try (OutputStream out = exchange.getResponseBody()) {
      watches.relay(request, out, () -> !closed);
    }
  }

  private static boolean wantsTable(HttpExchange exchange) {
    return exchange.getRequestHeaders().getOrDefault("Accept", List.of()).stream()
        .anyMatch(a -> a.contains("as=Table"));
  }

  /**
   * The plural a resource path names ({@code pods}), or empty for a subresource or a non-resource.
   */
  private static String resource(String path) {
    if (!path.startsWith("/api/") && !path.startsWith("/apis/")) {
      return "";
    }
    ApiRequests.Call call = ApiRequests.classify("GET", path, "");
    return call.subresource().isEmpty() ? call.resource() : "";
  }

  /** The same request on the mock API, without what only this endpoint handles. */
  private URI mockUri(String scheme, String path, Map<String, String> query) {
    StringBuilder q = new StringBuilder();
    query.forEach(
        (k, v) -> {
          if (!List.of("fieldSelector", "resourceVersion", "timeoutSeconds").contains(k)) {
            q.append(q.isEmpty() ? "" : "&").append(encode(k)).append('=').append(encode(v));
          }
        });
    String base = apiUrl.replaceFirst("^http", scheme);
    return URI.create(base + path + (q.isEmpty() ? "" : "?" + q));
  }

  private static String encode(String s) {
    return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      out.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return out;
  }

  private static void send(HttpExchange exchange, int code, String body) throws IOException {
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
  }

  private static String status(int code, String reason, String message) {
    ObjectNode s = JSON.createObjectNode();
    s.put("kind", "Status").put("apiVersion", "v1").putObject("metadata");
    s.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    return s.toString();
  }

  @Override
  public void close() {
    closed = true;
    server.stop(0);
    threads.shutdownNow();
  }
}
