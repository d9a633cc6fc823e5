package io.quorumkeeper.node.agent;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The agent's own metric: requests served, by route and status code (unknown paths share one
 * label).
 */
public final class RequestCounter {

  /** A label pair of the counter. */
  public record Key(String path, int code) implements Comparable<Key> {
    @Override
    public int compareTo(Key other) {
      int byPath = path.compareTo(other.path);
      return byPath != 0 ? byPath : Integer.compare(code, other.code);
    }
  }

  private final Map<Key, LongAdder> counts = new ConcurrentHashMap<>();

  public void record(String path, int code) {
    counts.computeIfAbsent(new Key(path, code), k -> new LongAdder()).increment();
  }

  /** A sorted copy, so the metrics text is stable. */
  public Map<Key, Long> snapshot() {
    Map<Key, Long> copy = new TreeMap<>();
    counts.forEach((key, count) -> copy.put(key, count.sum()));
    return copy;
  }
}
