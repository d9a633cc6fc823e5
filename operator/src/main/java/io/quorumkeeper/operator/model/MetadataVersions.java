package io.quorumkeeper.operator.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Kafka's {@code metadata.version} levels the supported Kafka versions know (from {@code
 * org.apache.kafka.server.common.MetadataVersion} of each release), and the rules of ADR 014: a
 * level is only finalized on request ({@code spec.kafka.metadataVersion}), never above what the
 * spec's Kafka version runs, never lowered; and once a level is finalized, a Kafka version that
 * cannot run it is refused. Pure.
 */
public final class MetadataVersions {

  /** Name → feature level, 4.0 on (a 4.x cluster is at 4.0-IV0 or newer). */
  static final Map<String, Integer> LEVELS =
      Map.ofEntries(
          Map.entry("4.0-IV0", 22),
          Map.entry("4.0-IV1", 23),
          Map.entry("4.0-IV2", 24),
          Map.entry("4.0-IV3", 25),
          Map.entry("4.1-IV0", 26),
          Map.entry("4.1-IV1", 27),
          Map.entry("4.2-IV0", 28),
          Map.entry("4.2-IV1", 29),
          Map.entry("4.3-IV0", 30),
          Map.entry("4.4-IV0", 31),
          Map.entry("4.4-IV1", 32),
          Map.entry("4.4-IV2", 33));

  /**
   * The newest production level of each supported Kafka version: what its StorageTool formats a new
   * cluster at, and the most it can run.
   */
  static final Map<String, Integer> LATEST_PRODUCTION = Map.of("4.3.1", 30, "4.4.0", 33);

  private MetadataVersions() {}

  public static Optional<Integer> level(String name) {
    return Optional.ofNullable(name).map(LEVELS::get);
  }

  /** The name of a level ({@code 30} → {@code 4.3-IV0}), or the number when it is not known. */
  public static String name(int level) {
    return LEVELS.entrySet().stream()
        .filter(e -> e.getValue() == level)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElse(String.valueOf(level));
  }

  /** The newest level {@code kafkaVersion} runs, if it is a supported version. */
  public static Optional<Integer> latest(String kafkaVersion) {
    return Optional.ofNullable(kafkaVersion).map(LATEST_PRODUCTION::get);
  }

  /**
   * Why a spec's Kafka version and requested metadata.version cannot be accepted, given the level
   * the cluster has finalized (null while unknown); empty when they can.
   */
  public static List<String> check(String kafkaVersion, String requested, Integer finalized) {
    return check(kafkaVersion, requested, finalized, null);
  }

  /**
   * As {@link #check(String, String, Integer)}, and: a downgrade from {@code runningVersion} (the
   * last accepted spec's Kafka version, null for a new cluster) to a version that runs a lower
   * level waits while the finalized level is unknown, since it cannot be told safe (when in doubt,
   * report and wait).
   */
  public static List<String> check(
      String kafkaVersion, String requested, Integer finalized, String runningVersion) {
    List<String> errors = new ArrayList<>();
    Optional<Integer> runs = latest(runningVersion);
    if (finalized == null
        && latest(kafkaVersion).isPresent()
        && runs.isPresent()
        && latest(kafkaVersion).get() < runs.get()) {
      errors.add(
          "kafka.version "
              + kafkaVersion
              + " is older than the running "
              + runningVersion
              + " and the operator has not read this cluster's finalized metadata.version yet (it"
              + " needs a leader); the downgrade waits until it has (docs/upgrades.md)");
    }
    Optional<Integer> latest = latest(kafkaVersion);
    if (requested != null) {
      Optional<Integer> level = level(requested);
      if (level.isEmpty()) {
        errors.add(
            "kafka.metadataVersion "
                + requested
                + " is not known; known: "
                + String.join(", ", LEVELS.keySet().stream().sorted().toList()));
      } else if (latest.isPresent() && level.get() > latest.get()) {
        errors.add(
            "kafka.metadataVersion "
                + requested
                + " needs a newer Kafka than "
                + kafkaVersion
                + ", which runs at most "
                + name(latest.get()));
      } else if (finalized != null && level.get() < finalized) {
        errors.add(
            "kafka.metadataVersion "
                + requested
                + " is below the finalized "
                + name(finalized)
                + ": metadata.version is never lowered");
      }
    }
    if (finalized != null && latest.isPresent() && finalized > latest.get()) {
      errors.add(
          "kafka.version "
              + kafkaVersion
              + " cannot run metadata.version "
              + name(finalized)
              + ", which this cluster has finalized; a downgrade is possible only before"
              + " finalization (docs/upgrades.md)");
    }
    return List.copyOf(errors);
  }
}
