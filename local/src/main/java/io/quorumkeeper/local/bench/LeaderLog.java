package io.quorumkeeper.local.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The moment a node's own Kafka says it became leader: the raft layer's {@code QuorumState} line
 * "Completed transition to Leader(..., epoch=N, ...)", timestamped to the millisecond by
 * quorum-node's log4j2 pattern ({@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX}). Kafka logs it after the
 * election is won and the new epoch is durable, before the leader has committed anything in it.
 */
final class LeaderLog {

  private static final Pattern TRANSITION =
      Pattern.compile(
          "^(\\S+) .*\\[RaftManager id=(\\d+)] Completed transition to Leader\\(.*?\\bepoch=(\\d+),");

  /** One "became leader" line. */
  record Transition(Instant at, int nodeId, long epoch) {}

  private LeaderLog() {}

  static Optional<Transition> parse(String line) {
    Matcher m = TRANSITION.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new Transition(
              OffsetDateTime.parse(m.group(1)).toInstant(),
              Integer.parseInt(m.group(2)),
              Long.parseLong(m.group(3))));
    } catch (DateTimeParseException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** Where the log ends now: later searches look only at what is written after this. */
  static long end(Path log) {
    try {
      return Files.exists(log) ? Files.size(log) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The transition of {@code nodeId} to leader at {@code epoch} logged after byte {@code from}. */
  static Optional<Transition> find(Path log, long from, int nodeId, long epoch) {
    if (!Files.exists(log)) {
      return Optional.empty();
    }
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      if (length <= from) {
        return Optional.empty();
      }
      byte[] bytes = new byte[(int) (length - from)];
      file.seek(from);
      file.readFully(bytes);
      return new String(bytes, StandardCharsets.UTF_8)
          .lines()
          .filter(l -> l.contains("Completed transition to Leader"))
          .map(LeaderLog::parse)
          .flatMap(Optional::stream)
          .filter(t -> t.nodeId() == nodeId && t.epoch() == epoch)
          .findFirst();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
