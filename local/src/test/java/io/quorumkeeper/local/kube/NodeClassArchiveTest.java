package io.quorumkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeClassArchiveTest {

  @TempDir Path target;

  @Test
  void aNodeStartsWithTheArchiveTrainedForItsJar_andWithoutOneThatIsMissingOrOlder()
      throws Exception {
    Path jar = Files.writeString(target.resolve("quorum-node.jar"), "");
    Path archive = target.resolve("quorum-node.jsa");
    assertThat(NodeClassArchive.options(jar)).as("no archive").isEmpty();

    Files.writeString(archive, "");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-03T10:00:00Z")));
    Files.setLastModifiedTime(archive, FileTime.from(Instant.parse("2026-12-03T10:00:15Z")));
    assertThat(NodeClassArchive.options(jar))
        .containsExactly("-XX:SharedArchiveFile=" + archive.toAbsolutePath());

    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-03T10:01:00Z")));
    assertThat(NodeClassArchive.options(jar)).as("the jar was built again after it").isEmpty();
  }
}
