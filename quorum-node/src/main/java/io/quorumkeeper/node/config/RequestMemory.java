package io.quorumkeeper.node.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Bounds the heap Kafka's socket servers may give to request buffers. Kafka allocates a request's
 * buffer as soon as it has read the 4-byte size the peer claims, before the request is complete and
 * before anything checks who sent it; by default a claim may be up to {@code
 * socket.request.max.bytes} (100 MiB) and nothing bounds their sum. On a listener that needs no
 * credentials, a handful of connections that each send a size and nothing more exhaust the heap,
 * and the node's JVM exits (the image runs with {@code -XX:+ExitOnOutOfMemoryError}): on Combined
 * pods, every controller at once. With {@code queued.max.request.bytes} set, Kafka takes the
 * buffers from a pool of that size and stops reading from connections while it is used up, and a
 * claim above {@code socket.request.max.bytes} closes its connection. Both are set from the heap
 * this JVM has: a sixteenth of it for each socket server (a Combined node runs two, the broker's
 * and the controller's), and no request larger than its pool, the way Kafka requires.
 */
public final class RequestMemory {

  public static final String POOL = "queued.max.request.bytes";
  public static final String REQUEST_MAX = "socket.request.max.bytes";
  static final String MESSAGE_MAX = "message.max.bytes";

  /** Kafka's default {@code message.max.bytes}: 1 MiB plus 12. */
  static final long KAFKA_MESSAGE_MAX = 1024 * 1024 + 12;

  /** Kafka's default {@code socket.request.max.bytes}. */
  static final long KAFKA_REQUEST_MAX = 100L * 1024 * 1024;

  /** Room beside the largest record batch for the rest of a produce request. */
  static final long REQUEST_OVERHEAD = 1024 * 1024;

  /** The smallest pool: a default producer's 1 MiB requests with room to spare. */
  static final long MIN_POOL = 4L * 1024 * 1024;

  private RequestMemory() {}

  /**
   * The two settings for a JVM of {@code maxHeap} bytes; a request always fits the record batches
   * {@code message.max.bytes} allows, up to Kafka's own default limit.
   */
  public static Map<String, String> bounds(long maxHeap, long messageMax) {
    long share = Math.max(MIN_POOL, maxHeap / 16);
    long batchRequest = Math.min(messageMax, KAFKA_REQUEST_MAX) + REQUEST_OVERHEAD;
    long requestMax = Math.min(KAFKA_REQUEST_MAX, Math.max(share, batchRequest));
    long pool = Math.max(share, requestMax);
    Map<String, String> bounds = new LinkedHashMap<>();
    bounds.put(POOL, Long.toString(pool));
    bounds.put(REQUEST_MAX, Long.toString(requestMax));
    return bounds;
  }

  /**
   * The rendered server.properties with the bounds appended, unless it sets either key itself (the
   * operator refuses both in a spec; a template that has them was made on purpose).
   */
  public static String appendTo(String rendered, long maxHeap) {
    Properties server = PropertiesText.parse(rendered);
    if (server.containsKey(POOL) || server.containsKey(REQUEST_MAX)) {
      return rendered;
    }
    return PropertiesText.append(
        rendered,
        "request buffers bounded by the launcher from the heap (RequestMemory)",
        bounds(maxHeap, PropertiesText.number(server.getProperty(MESSAGE_MAX), KAFKA_MESSAGE_MAX)));
  }
}
