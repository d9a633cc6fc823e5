package io.quorumkeeper.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of a metadata partition as StorageTool and Kafka leave them; {@code LauncherKraftTest}
 * checks the same on the disks of real nodes.
 */
class MetadataLogOnDiskTest {

  @TempDir Path dir;

  private Path partition() throws Exception {
    return Files.createDirectories(dir.resolve("__cluster_metadata-0"));
  }

  @Test
  void aBlankDiskOrAFormattedOneWhoseQuorumNeverElectedHasNoRecords() throws Exception {
    assertThat(MetadataLogOnDisk.hasRecords(dir)).as("blank").isFalse();

    Path partition = partition();
    Files.write(partition.resolve("00000000000000000000-0000000000.checkpoint"), new byte[200]);
    Files.writeString(partition.resolve("quorum-state"), "{\"leaderEpoch\":3}");
    assertThat(MetadataLogOnDisk.hasRecords(dir)).as("formatted: the bootstrap snapshot").isFalse();

    Files.createFile(partition.resolve("00000000000000000000.log"));
    Files.createFile(partition.resolve("00000000000000000000.index"));
    assertThat(MetadataLogOnDisk.hasRecords(dir))
        .as("started, elections but no leader: an empty first segment")
        .isFalse();
  }

  @Test
  void aSegmentWithBytesOrPastOffsetZeroOrASnapshotOfRecordsIsRecords() throws Exception {
    Path partition = partition();
    Files.write(partition.resolve("00000000000000000000.log"), new byte[90]);
    assertThat(MetadataLogOnDisk.hasRecords(dir)).as("a leader's first record").isTrue();

    Files.write(partition.resolve("00000000000000000000.log"), new byte[0]);
    Files.createFile(partition.resolve("00000000000000004211.log"));
    assertThat(MetadataLogOnDisk.hasRecords(dir)).as("a segment rolled past 0").isTrue();

    Files.delete(partition.resolve("00000000000000004211.log"));
    Files.createFile(partition.resolve("00000000000000004211-0000000003.checkpoint"));
    assertThat(MetadataLogOnDisk.hasRecords(dir)).as("a snapshot after records").isTrue();
  }

  @Test
  void theAgentsAnswerIsReadUntilRecordsAppearAndRememberedAfter() throws Exception {
    var watching = MetadataLogOnDisk.watching(dir);
    assertThat(watching.get()).contains(false);

    Path segment = partition().resolve("00000000000000000000.log");
    Files.write(segment, new byte[90]);
    assertThat(watching.get()).contains(true);

    Files.delete(segment);
    assertThat(watching.get()).as("no longer listed once records were seen").contains(true);
    assertThat(MetadataLogOnDisk.watching(dir).get()).as("a fresh read").contains(false);
  }
}
