package io.quorumkeeper.local.control;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.api.ApiErrors;
import io.quorumkeeper.local.kube.RuntimeLayout;
import io.quorumkeeper.local.view.ClusterTable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The runtime's control endpoint on 127.0.0.1 (any free port, written to {@code control.port} in
 * the folder), through which {@code ./quorum-keeper kill orders-node-1} and friends reach it.
 */
public final class ControlServer implements AutoCloseable {

  private final HttpServer server;
  private final Path portFile;

  private ControlServer(HttpServer server, Path portFile) {
    this.server = server;
    this.portFile = portFile;
  }

  public static ControlServer start(LocalRuntime runtime) {
    try {
      HttpServer server =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(
          Executors.newFixedThreadPool(
              2,
              r -> {
                Thread t = new Thread(r, "control");
                t.setDaemon(true);
                return t;
              }));
      server.createContext("/v1/", exchange -> handle(runtime, exchange));
      server.start();
      Path portFile = runtime.layout().controlPort();
      RuntimeLayout.writeWhole(portFile, String.valueOf(server.getAddress().getPort()));
      return new ControlServer(server, portFile);
    } catch (IOException e) {
      throw new LocalRuntimeException(
          "cannot open the control endpoint on 127.0.0.1: " + e.getMessage());
    }
  }

  private static void handle(LocalRuntime runtime, HttpExchange exchange) throws IOException {
    int code = 200;
    String reply;
    try {
      String verb = exchange.getRequestURI().getPath().substring("/v1/".length());
      Map<String, String> q = query(exchange.getRequestURI().getRawQuery());
      String ns = q.getOrDefault("namespace", "default");
      byte[] body = exchange.getRequestBody().readAllBytes();
      reply =
          switch (verb) {
            case "apply" -> {
              var applied =
                  runtime.apply(
                      runtime
                          .files()
                          .parse(
                              q.getOrDefault("file", "input"),
                              new String(body, StandardCharsets.UTF_8)));
              yield applied.stream()
                  .map(r -> "quorumcluster/" + r.getMetadata().getName() + " applied")
                  .reduce((a, b) -> a + "\n" + b)
                  .orElse("nothing applied");
            }
            case "delete" -> {
              String name = required(q, "name");
              yield runtime.delete(ns, name)
                  ? "quorumcluster/" + name + " deleted"
                  : "quorumcluster/" + name + " not found";
            }
            case "status" -> ClusterTable.render(runtime.client(), false);
            default -> Faults.run(runtime, verb, ns, required(q, "pod"));
          };
    } catch (InputException e) {
      code = 400;
      reply = e.getMessage();
    } catch (KubernetesClientException e) {
      code = ApiErrors.isInvalid(e) ? 400 : 500;
      reply = ApiErrors.message(e);
    } catch (RuntimeException e) {
      code = 500;
      reply = String.valueOf(e.getMessage());
    }
    byte[] bytes = (reply + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String required(Map<String, String> q, String key) {
    String v = q.get(key);
    if (v == null || v.isBlank()) {
      throw new InputException("missing " + key);
    }
    return v;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new HashMap<>();
    if (raw == null) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        q.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return q;
  }

  @Override
  public void close() {
    server.stop(0);
    try {
      Files.deleteIfExists(portFile);
    } catch (IOException e) {
      // a stale port file only makes the next client fail to connect, with a clear message
    }
  }
}
