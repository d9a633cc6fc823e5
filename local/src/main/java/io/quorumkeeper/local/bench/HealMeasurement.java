package io.quorumkeeper.local.bench;

import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.bench.QuorumProbe.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One heal, timed from the fault to the first sample at which the quorum is whole again, and what
 * the quorum went through on the way, from {@code describeMetadataQuorum} samples every 100 ms.
 *
 * <p>A fault that takes one of three voters leaves the quorum at zero fault tolerance until it is
 * healed: that window is the fault's own. Beyond it, a heal can cost more: the quorum without a
 * leader (it could not commit anything), or a second drop to zero tolerance after it had been
 * restored (say, a voter added before it was caught up). Both are counted, sampling on for {@link
 * #TAIL} after the heal.
 *
 * @param healMillis fault → healed
 * @param zeroToleranceMillis time at zero tolerance (or leaderless) between the fault and the heal
 * @param leaderlessMillis time without a leader, from the fault to the end of the tail
 * @param extraDrops drops to zero tolerance after the first zero window, up to the end of the tail
 * @param extraDropMillis their total length
 */
record HealMeasurement(
    long healMillis,
    long zeroToleranceMillis,
    long leaderlessMillis,
    int extraDrops,
    long extraDropMillis) {

  static final Duration INTERVAL = Duration.ofMillis(100);
  static final Duration TAIL = Duration.ofSeconds(5);

  /** Whether the heal cost more than the fault itself: a leaderless period or a second drop. */
  boolean beyondTheFault() {
    return leaderlessMillis > 0 || extraDrops > 0;
  }

  /**
   * Runs {@code fault}, then samples until {@code healed} holds, and {@link #TAIL} longer.
   *
   * @throws LocalRuntimeException when the quorum is not healed within {@code timeout}
   */
  static HealMeasurement measure(
      QuorumProbe probe, Runnable fault, Predicate<Sample> healed, Duration timeout) {
    List<Sample> samples = new ArrayList<>();
    long t0 = System.nanoTime();
    fault.run();
    long healedAt = -1;
    long next = System.nanoTime();
    while (true) {
      Sample s = probe.sample();
      samples.add(s);
      if (healedAt < 0 && healed.test(s)) {
        healedAt = s.nanos();
      }
      if (healedAt >= 0 && s.nanos() - healedAt >= TAIL.toNanos()) {
        return analyse(t0, healedAt, samples);
      }
      if (healedAt < 0 && s.nanos() - t0 > timeout.toNanos()) {
        throw new LocalRuntimeException(
            "not healed within " + timeout.toSeconds() + " s; last sample " + s);
      }
      next += INTERVAL.toNanos();
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        try {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000)); // the sampling rate
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LocalRuntimeException("interrupted");
        }
      } else {
        next = System.nanoTime();
      }
    }
  }

  /** Pure: the figures of one heal from its samples (each holds until the next one). */
  static HealMeasurement analyse(long faultNanos, long healedNanos, List<Sample> samples) {
    long zero = 0;
    long leaderless = 0;
    long extraMillis = 0;
    int windows = 0;
    boolean inZero = false;
    for (int i = 0; i + 1 < samples.size(); i++) {
      Sample s = samples.get(i);
      long length = samples.get(i + 1).nanos() - s.nanos();
      boolean atZero = s.faultTolerance() == 0;
      if (atZero && !inZero) {
        windows++;
      }
      inZero = atZero;
      if (!s.hasLeader()) {
        leaderless += length;
      }
      if (atZero && s.nanos() < healedNanos) {
        zero += length;
      }
      if (atZero && windows > 1) {
        extraMillis += length;
      }
    }
    return new HealMeasurement(
        (healedNanos - faultNanos) / 1_000_000,
        zero / 1_000_000,
        leaderless / 1_000_000,
        Math.max(0, windows - 1),
        extraMillis / 1_000_000);
  }
}
