package io.quorumkeeper.node;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A controller's agent as the launcher asks it: {@code /v1/node} answers by the question's count.
 */
final class PeerAgent implements AutoCloseable {

  private final HttpServer server;
  private final AtomicInteger asked = new AtomicInteger();

  /** Serves on {@code ip:port}; {@code answer} gets the 1-based number of the question. */
  PeerAgent(String ip, int port, IntFunction<String> answer) {
    try {
      server = HttpServer.create(new InetSocketAddress(ip, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/v1/node",
        exchange -> {
          byte[] body = answer.apply(asked.incrementAndGet()).getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  /** How many times it was asked. */
  int asked() {
    return asked.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
