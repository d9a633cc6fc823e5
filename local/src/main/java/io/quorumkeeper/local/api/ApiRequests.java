package io.quorumkeeper.local.api;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests the embedded API served, by client (User-Agent), verb and resource, so a
 * benchmark can tell what the operator writes while a cluster is idle. The mock server records
 * every request in an unbounded queue for tests to take; nobody takes them in a long-running
 * runtime, so this class also is what keeps that queue (and the runtime's memory) from growing: a
 * daemon thread takes each request as it arrives and keeps only a count.
 */
public final class ApiRequests implements AutoCloseable {

  /** A kind of request; {@code subresource} is {@code status} for status writes, else empty. */
  public record Call(String userAgent, String method, String resource, String subresource) {

    public boolean isWrite() {
      return WRITE_METHODS.contains(method);
    }

    public boolean isStatusWrite() {
      return isWrite() && "status".equals(subresource);
    }

    public boolean isEventWrite() {
      return isWrite() && "events".equals(resource);
    }
  }

  static final List<String> WRITE_METHODS = List.of("POST", "PUT", "PATCH", "DELETE");
  private static final Comparator<Call> ORDER =
      Comparator.comparing(Call::userAgent)
          .thenComparing(Call::method)
          .thenComparing(Call::resource)
          .thenComparing(Call::subresource);

  private final KubernetesMockServer server;
  private final Map<Call, LongAdder> counts = new ConcurrentHashMap<>();
  private final Thread taker;
  private volatile boolean closed;

  ApiRequests(KubernetesMockServer server) {
    this.server = server;
    this.taker = new Thread(this::takeAll, "api-request-counter");
    taker.setDaemon(true);
    taker.start();
  }

  private void takeAll() {
    while (!closed) {
      try {
        RecordedRequest request = server.takeRequest(500, TimeUnit.MILLISECONDS);
        if (request != null) {
          Call call = classify(request.getMethod(), request.getPath(), agent(request));
          counts.computeIfAbsent(call, c -> new LongAdder()).increment();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // one request that cannot be classified is not worth stopping the count for
      }
    }
  }

  private static String agent(RecordedRequest request) {
    String agent = request.getHeader("User-Agent");
    return agent == null ? "" : agent;
  }

  /**
   * A request path as Kubernetes lays it out: {@code /api/v1[/namespaces/NS]/RESOURCE[/NAME[/SUB]]}
   * or {@code /apis/GROUP/VERSION/...} the same way.
   */
  static Call classify(String method, String path, String userAgent) {
    String bare = path == null ? "" : path.split("\\?", 2)[0];
    String[] parts = bare.replaceFirst("^/", "").split("/");
    int first = parts.length > 0 && "apis".equals(parts[0]) ? 3 : 2;
    if (parts.length > first + 2 && "namespaces".equals(parts[first])) {
      first += 2;
    } else if (parts.length == first + 2 && "namespaces".equals(parts[first])) {
      return new Call(userAgent, method, "namespaces", ""); // one namespace itself
    }
    String resource = parts.length > first ? parts[first] : "";
    String sub = parts.length > first + 2 ? parts[first + 2] : "";
    return new Call(userAgent, method, resource, sub);
  }

  /** Every count so far, sorted; a benchmark subtracts two of these. */
  public Map<Call, Long> counts() {
    Map<Call, Long> copy = new TreeMap<>(ORDER);
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return copy;
  }

  /** {@code later - earlier}, dropping kinds that did not occur in between. */
  public static Map<Call, Long> between(Map<Call, Long> earlier, Map<Call, Long> later) {
    Map<Call, Long> delta = new TreeMap<>(ORDER);
    later.forEach(
        (k, v) -> {
          long d = v - Optional.ofNullable(earlier.get(k)).orElse(0L);
          if (d > 0) {
            delta.put(k, d);
          }
        });
    return delta;
  }

  @Override
  public void close() {
    closed = true;
    taker.interrupt();
  }
}
