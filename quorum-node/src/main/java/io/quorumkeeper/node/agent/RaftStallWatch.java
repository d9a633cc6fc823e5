package io.quorumkeeper.node.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.function.LongSupplier;

/**
 * Whether this controller's raft thread still works, from the pulse each raft state gives (ADR
 * 031). Kafka's raft metrics are gauges over the raft client's state: a thread that stops (a write
 * to a disk that blocks) leaves them as they were, "following leader 0, caught up", so the readings
 * alone cannot tell.
 *
 * <ul>
 *   <li>A follower or an observer (a spare) sends a fetch at least every 500 ms, Kafka's fixed
 *       long-poll wait, whatever the quorum writes: the raft channel's count of requests sent is
 *       its pulse. It depends on no setting a spec can change.
 *   <li>The leader sends nothing on its own; its pulse is its high watermark, which moves each time
 *       a majority has fetched the no-op record the active controller (the leader's own process)
 *       appends every {@code metadata.max.idle.interval.ms} (500 ms by default). This node's own
 *       setting is the one its active controller uses; with 0 (no no-op records) an idle leader's
 *       high watermark legitimately stays put, and the leader is not watched.
 * </ul>
 *
 * A pulse that has not moved for the stall time, under the same state, leader and epoch, is a
 * stall. The watch sees only the readings it is given (one per status built), so a pulse that moved
 * between two readings counts as moved at the second: a stall is never claimed early. A new state,
 * leader or epoch, or a reading without a known leader, starts the count afresh.
 */
public final class RaftStallWatch {

  /** How long a follower's or observer's raft channel may send nothing: ten long-poll waits. */
  static final Duration FOLLOWER_STALLED_AFTER = Duration.ofSeconds(5);

  /** A leader's stall time is at least this, and ten no-op intervals. */
  static final Duration LEADER_AT_LEAST = Duration.ofSeconds(5);

  static final int INTERVALS = 10;
  static final String IDLE_INTERVAL = "metadata.max.idle.interval.ms";
  static final long DEFAULT_IDLE_INTERVAL_MS = 500;

  private final boolean on;
  private final Optional<Duration> leaderStalledAfter;
  private final LongSupplier nanoTime;
  private boolean watching;
  private String state;
  private int leaderId;
  private int epoch;
  private long pulse;
  private long movedAt;

  RaftStallWatch(Optional<Duration> leaderStalledAfter, LongSupplier nanoTime) {
    this(true, leaderStalledAfter, nanoTime);
  }

  private RaftStallWatch(boolean on, Optional<Duration> leaderStalledAfter, LongSupplier nanoTime) {
    this.on = on;
    this.leaderStalledAfter = leaderStalledAfter;
    this.nanoTime = nanoTime;
  }

  /** A watch that never reports a stall. */
  public static RaftStallWatch off() {
    return new RaftStallWatch(false, Optional.empty(), System::nanoTime);
  }

  /** The watch for a node whose Kafka runs this configuration. */
  public static RaftStallWatch forServerProperties(Properties server) {
    return new RaftStallWatch(leaderStalledAfter(server), System::nanoTime);
  }

  /**
   * The leader's stall time for this configuration's no-op interval: unset or unreadable is Kafka's
   * default (Kafka refuses to start on an unreadable one), 0 or less is no watch.
   */
  static Optional<Duration> leaderStalledAfter(Properties server) {
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
    return Optional.of(Duration.ofMillis(Math.max(LEADER_AT_LEAST.toMillis(), afterMs)));
  }

  /**
   * Takes one reading and says why the raft thread looks stalled, once its pulse has stood still
   * for the stall time; empty otherwise.
   *
   * @param raftRequestsSent the raft channel's count of requests sent, empty when Kafka does not
   *     report it (a follower is then not watched)
   */
  public synchronized Optional<String> stalled(RaftMetrics reading, OptionalLong raftRequestsSent) {
    long now = nanoTime.getAsLong();
    boolean leader = reading.state().equals("leader");
    Optional<Duration> stalledAfter =
        leader ? leaderStalledAfter : Optional.of(FOLLOWER_STALLED_AFTER);
    OptionalLong beat =
        leader
            ? (reading.highWatermark() >= 0
                ? OptionalLong.of(reading.highWatermark())
                : OptionalLong.empty())
            : raftRequestsSent;
    if (!on || !reading.followsKnownLeader() || stalledAfter.isEmpty() || beat.isEmpty()) {
      watching = false;
      return Optional.empty();
    }
    if (!watching
        || !reading.state().equals(state)
        || reading.leaderId() != leaderId
        || reading.epoch() != epoch
        || beat.getAsLong() != pulse) {
      watching = true;
      state = reading.state();
      leaderId = reading.leaderId();
      epoch = reading.epoch();
      pulse = beat.getAsLong();
      movedAt = now;
      return Optional.empty();
    }
    Duration still = Duration.ofNanos(now - movedAt);
    if (still.compareTo(stalledAfter.get()) < 0) {
      return Optional.empty();
    }
    // The stall time, not the time so far: the agent logs the reason each time it changes, and a
    // reason that grew every second would log every probe
    long atLeastMs = stalledAfter.get().toMillis();
    return Optional.of(
        leader
            ? "stalled: as leader in epoch "
                + epoch
                + ", high watermark "
                + pulse
                + " has not moved for at least "
                + atLeastMs
                + " ms"
            : "stalled: as "
                + state
                + " of leader "
                + leaderId
                + " in epoch "
                + epoch
                + ", no raft request sent for at least "
                + atLeastMs
                + " ms (high watermark "
                + reading.highWatermark()
                + ")");
  }
}
