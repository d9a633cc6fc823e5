package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * One watch as kubectl makes it (a long HTTP GET answered by one JSON event per line), relayed from
 * the mock API's WebSocket watch. The mock sends every matching object as ADDED when a watch
 * starts, whatever resource version the client asked to start from, and ends its watches every
 * {@link ApiServer#WATCH_LIFETIME_SECONDS} s; this relay drops the ADDED events of objects the
 * client already has (resource version not newer than the one it asked for), re-opens the mock's
 * watch when it ends, and ends the client's watch after its {@code timeoutSeconds} (else 30
 * minutes, a real API server's default). A deletion in the instant between two mock watches can be
 * missed, as the mock itself misses such things.
 */
final class WatchRelay {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String END = "";

  /** What the relay needs to know about one watch. */
  record Request(
      URI mockWatch,
      long fromVersion,
      FieldSelector selector,
      Duration lifetime,
      UnaryOperator<JsonNode> objectView) {}

  private final HttpClient http;

  WatchRelay(HttpClient http) {
    this.http = http;
  }

  /** Writes events to {@code out} until the lifetime ends or the client goes away. */
  void relay(Request request, OutputStream out, java.util.function.BooleanSupplier open)
      throws IOException {
    Instant deadline = Instant.now().plus(request.lifetime());
    long threshold = request.fromVersion();
    while (open.getAsBoolean() && Instant.now().isBefore(deadline)) {
      BlockingQueue<String> events = new LinkedBlockingQueue<>();
      WebSocket socket = connect(request.mockWatch(), events);
      if (socket == null) {
        return;
      }
      try {
        threshold = pump(request, events, out, threshold, deadline, open);
      } finally {
        socket.abort();
      }
    }
  }

  /** Relays one mock watch until it ends; returns the highest resource version seen. */
  private long pump(
      Request request,
      BlockingQueue<String> events,
      OutputStream out,
      long threshold,
      Instant deadline,
      java.util.function.BooleanSupplier open)
      throws IOException {
    long highest = threshold;
    while (open.getAsBoolean() && Instant.now().isBefore(deadline)) {
      String message;
      try {
        message = events.poll(500, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted");
      }
      if (message == null) {
        continue;
      }
      if (END.equals(message)) {
        return highest;
      }
      JsonNode event = JSON.readTree(message);
      String type = event.path("type").asText();
      JsonNode object = event.path("object");
      if ("ERROR".equals(type)) {
        return highest; // the mock's "expired": watch again from what was already sent
      }
      long version = version(object);
      highest = Math.max(highest, version);
      if ("ADDED".equals(type) && threshold >= 0 && version <= threshold) {
        continue; // the client has it from its list, or from a previous mock watch
      }
      if (!request.selector().matches(object)) {
        continue;
      }
      var line = JSON.createObjectNode().put("type", type);
      line.set("object", request.objectView().apply(object));
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
    return highest;
  }

  private static long version(JsonNode object) {
    try {
      return Long.parseLong(object.at("/metadata/resourceVersion").asText("-1"));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private WebSocket connect(URI uri, BlockingQueue<String> events) {
    try {
      return http.newWebSocketBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .buildAsync(uri, new Collector(events))
          .get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Puts each whole text message into the queue, and {@link #END} when the socket ends. */
  private static final class Collector implements WebSocket.Listener {
    private final BlockingQueue<String> events;
    private final StringBuilder partial = new StringBuilder();

    Collector(BlockingQueue<String> events) {
      this.events = events;
    }

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        events.add(partial.toString());
        partial.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      events.add(END);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      events.add(END);
    }
  }
}
