package io.quorumkeeper.node.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.function.LongSupplier;

/**
 * Whether a controller's high watermark still moves. The active controller appends a no-op record
 * every {@code metadata.max.idle.interval.ms} (500 ms by default) and the quorum commits it once a
 * majority has fetched it, so on a controller that follows a working quorum the high watermark
 * moves at least that often. One that stays put for many intervals under the same leader and epoch
 * says that this node no longer applies what the quorum commits (its raft thread is stuck, on a
 * blocked disk for instance) or that the leader can no longer commit: in neither case is the node a
 * member the disruption budget may count as healthy (ADR 031).
 *
 * <p>The watch sees only the readings it is given (one per status asked for), so a high watermark
 * that moved between two readings counts as moved at the second one: a stall is never claimed
 * early. With the no-op records switched off (an interval of 0) an idle quorum's high watermark
 * legitimately stays put, and the watch is off.
 */
public final class HighWatermarkWatch {

  /** Never less than this, whatever the interval: an election or a long GC pause is shorter. */
  static final Duration AT_LEAST = Duration.ofSeconds(5);

  /** How many no-op intervals without a move make a stall. */
  static final int INTERVALS = 10;

  static final String IDLE_INTERVAL = "metadata.max.idle.interval.ms";
  static final long DEFAULT_IDLE_INTERVAL_MS = 500;

  private final Optional<Duration> stalledAfter;
  private final LongSupplier nanoTime;
  private boolean watching;
  private int leaderId;
  private int epoch;
  private long highWatermark;
  private long movedAt;

  HighWatermarkWatch(Optional<Duration> stalledAfter, LongSupplier nanoTime) {
    this.stalledAfter = stalledAfter;
    this.nanoTime = nanoTime;
  }

  /** A watch that never reports a stall. */
  public static HighWatermarkWatch off() {
    return new HighWatermarkWatch(Optional.empty(), System::nanoTime);
  }

  /**
   * The watch for the no-op interval of this Kafka configuration: unset or unreadable is Kafka's
   * default (Kafka itself refuses to start on an unreadable one), 0 or less switches it off.
   */
  public static HighWatermarkWatch forServerProperties(Properties server) {
    return new HighWatermarkWatch(stalledAfter(server), System::nanoTime);
  }

  static Optional<Duration> stalledAfter(Properties server) {
    long intervalMs = DEFAULT_IDLE_INTERVAL_MS;
    String value = server.getProperty(IDLE_INTERVAL);
    if (value != null) {
      try {
        intervalMs = Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        intervalMs = DEFAULT_IDLE_INTERVAL_MS;
      }
    }
    if (intervalMs <= 0) {
      return Optional.empty();
    }
    long afterMs =
        intervalMs > Long.MAX_VALUE / INTERVALS ? Long.MAX_VALUE : intervalMs * INTERVALS;
    return Optional.of(Duration.ofMillis(Math.max(AT_LEAST.toMillis(), afterMs)));
  }

  /** How long a stall must last before it is reported; empty when the watch is off. */
  public Optional<Duration> stalledAfter() {
    return stalledAfter;
  }

  /**
   * Takes one reading and says for how long the high watermark has stood still, when that is at
   * least the stall time; empty otherwise. A reading without a known leader or high watermark
   * starts the count afresh at the next one, as does a new leader or epoch.
   */
  public synchronized Optional<Duration> stalledFor(RaftMetrics reading) {
    if (stalledAfter.isEmpty()) {
      return Optional.empty();
    }
    long now = nanoTime.getAsLong();
    if (!reading.followsKnownLeader() || reading.highWatermark() < 0) {
      watching = false;
      return Optional.empty();
    }
    if (!watching
        || reading.leaderId() != leaderId
        || reading.epoch() != epoch
        || reading.highWatermark() != highWatermark) {
      watching = true;
      leaderId = reading.leaderId();
      epoch = reading.epoch();
      highWatermark = reading.highWatermark();
      movedAt = now;
      return Optional.empty();
    }
    Duration still = Duration.ofNanos(now - movedAt);
    return still.compareTo(stalledAfter.get()) >= 0 ? Optional.of(still) : Optional.empty();
  }
}
