package io.quorumkeeper.node.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Whether this node's metadata log holds any record on disk: the durable form of "this node has
 * taken part in a formed quorum" (ADR 004). A formed quorum's leader appends a record as soon as it
 * is elected and every voter that counted towards a commit appended it too, so a peer whose
 * metadata log has records is proof that the quorum formed, even in the seconds after its restart
 * when Kafka's raft metrics still say log end offset 0 (Kafka sets that gauge on appends only).
 *
 * <p>Records on disk: a segment ({@code *.log}) that is not empty or does not start at offset 0, or
 * a snapshot ({@code *.checkpoint}) other than the bootstrap one StorageTool writes at format
 * ({@code 00000000000000000000-0000000000.checkpoint}). A formatted disk of a quorum that never
 * elected a leader has neither.
 */
public final class MetadataLogOnDisk {

  static final String PARTITION = "__cluster_metadata-0";
  static final String BOOTSTRAP_SNAPSHOT = "00000000000000000000-0000000000.checkpoint";
  private static final String FIRST_SEGMENT = "00000000000000000000.log";

  private MetadataLogOnDisk() {}

  /**
   * The agent's answer for {@code metadataLogDir}, read at each call until the directory first
   * holds records and remembered from then on: records do not leave a disk while its node runs, and
   * every request to the agent (probes, metrics, the operator's observations) asks. Empty when the
   * directory cannot be read.
   */
  public static Supplier<Optional<Boolean>> watching(Path metadataLogDir) {
    AtomicBoolean seen = new AtomicBoolean();
    return () -> {
      if (seen.get()) {
        return Optional.of(true);
      }
      try {
        boolean records = hasRecords(metadataLogDir);
        seen.compareAndSet(false, records);
        return Optional.of(records);
      } catch (UncheckedIOException e) {
        return Optional.empty();
      }
    };
  }

  /** Whether {@code metadataLogDir}'s metadata partition holds a record (false when absent). */
  public static boolean hasRecords(Path metadataLogDir) {
    Path partition = metadataLogDir.resolve(PARTITION);
    if (!Files.isDirectory(partition)) {
      return false;
    }
    try (Stream<Path> files = Files.list(partition)) {
      return files.anyMatch(MetadataLogOnDisk::holdsRecords);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + partition, e);
    }
  }

  private static boolean holdsRecords(Path file) {
    String name = file.getFileName().toString();
    try {
      if (name.endsWith(".log")) {
        return !name.equals(FIRST_SEGMENT) || Files.size(file) > 0;
      }
      return name.endsWith(".checkpoint") && !name.equals(BOOTSTRAP_SNAPSHOT);
    } catch (IOException e) {
      return true; // a segment that cannot be read is not proof of an empty log
    }
  }
}
