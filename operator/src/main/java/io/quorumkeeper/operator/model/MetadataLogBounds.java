package io.quorumkeeper.operator.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of {@code kafka.config} that shape the metadata log, which every controller and broker
 * keeps (ADR 034). Kafka accepts almost any number for them, and the damage of a bad one comes late
 * and everywhere at once: a segment per millisecond piles up open files on every node until a
 * snapshot is old enough, no retention keeps the log forever, a snapshot per record turns the
 * controllers' disks to writing images. The operator refuses a value outside what a cluster can
 * live with, before any node runs it; a value inside is passed through as written.
 */
final class MetadataLogBounds {

  /** Kafka's testing-only minimum segment size: lowering it allows segments of a few bytes. */
  static final String SEGMENT_MIN_BYTES = "metadata.log.segment.min.bytes";

  static final String RETENTION_BYTES = "metadata.max.retention.bytes";
  static final String RETENTION_MS = "metadata.max.retention.ms";

  private static final long HOUR_MS = 3_600_000L;
  private static final long MIB = 1024L * 1024;

  private static final Map<String, ConfigBounds.Bound> BOUNDS = new LinkedHashMap<>();

  static {
    BOUNDS.put(
        "metadata.log.segment.ms",
        new ConfigBounds.Bound(
            v -> v >= HOUR_MS,
            "at least 3600000 (1 h): shorter segments pile up, an open file each, on every node"
                + " until the snapshot after them is as old as the retention"));
    BOUNDS.put(
        "metadata.max.idle.interval.ms",
        new ConfigBounds.Bound(
            v -> v >= 100 && v <= 60_000,
            "from 100 to 60000: the active controller's no-op records are how a stalled controller"
                + " is told from an idle quorum (ADR 031), and more often than every 100 ms they"
                + " flood the log"));
    BOUNDS.put(
        "metadata.log.max.record.bytes.between.snapshots",
        new ConfigBounds.Bound(
            v -> v >= MIB && v <= 1024 * MIB,
            "from 1048576 (1 MiB) to 1073741824 (1 GiB): below, the controllers write a snapshot"
                + " every few records; above, a restarted node replays that much log"));
    BOUNDS.put(
        "metadata.log.max.snapshot.interval.ms",
        new ConfigBounds.Bound(
            v -> v == 0 || v >= 60_000,
            "0 (no snapshot by time) or at least 60000 (1 min): more often, every no-op record"
                + " brings a snapshot"));
    BOUNDS.put(
        RETENTION_BYTES,
        new ConfigBounds.Bound(
            v -> v == -1 || v >= MIB, "-1 (no limit by size) or at least 1048576 (1 MiB)"));
    BOUNDS.put(
        RETENTION_MS,
        new ConfigBounds.Bound(
            v -> v == -1 || v >= 60_000, "-1 (no limit by time) or at least 60000 (1 min)"));
  }

  private MetadataLogBounds() {}

  /** What is wrong with these values, one message each; empty when nothing is. */
  static List<String> check(Map<String, String> config) {
    List<String> errors = new ArrayList<>();
    if (config.containsKey(SEGMENT_MIN_BYTES)) {
      errors.add(
          "kafka.config sets "
              + SEGMENT_MIN_BYTES
              + ", Kafka's testing-only floor for metadata.log.segment.bytes; remove it");
    }
    errors.addAll(ConfigBounds.check(config, BOUNDS, "what the metadata log lives with"));
    if (config.get(RETENTION_BYTES) != null
        && config.get(RETENTION_MS) != null
        && ConfigBounds.parse(config.get(RETENTION_BYTES)).orElse(0L) == -1
        && ConfigBounds.parse(config.get(RETENTION_MS)).orElse(0L) == -1) {
      errors.add(
          "kafka.config sets both "
              + RETENTION_BYTES
              + " and "
              + RETENTION_MS
              + " to -1: the metadata log would never be trimmed; keep a limit on one of them");
    }
    return errors;
  }
}
