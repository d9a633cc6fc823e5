package io.quorumkeeper.local.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.local.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorClassArchiveTest {

  @TempDir Path home;

  @Test
  void theOperatorStartsWithTheArchiveTrainedAfterItsJar_andWithoutOneThatIsMissingOrOlder()
      throws Exception {
    RuntimeOptions options = RuntimeOptions.defaults(home, home.resolve("runtime"));
    Path jar =
        Files.createDirectories(options.operatorJar().getParent()).resolve("quarkus-run.jar");
    Files.writeString(jar, "");
    Path archive = options.operatorClassArchive();
    assertThat(OperatorClassArchive.jvmOptions(options))
        .as("no archive")
        .isEqualTo(RuntimeOptions.SMALL_JVM);

    Files.createDirectories(archive.getParent());
    Files.writeString(archive, "");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-05T10:00:00Z")));
    Files.setLastModifiedTime(archive, FileTime.from(Instant.parse("2026-12-05T10:00:13Z")));
    assertThat(OperatorClassArchive.jvmOptions(options))
        .containsSubsequence(RuntimeOptions.SMALL_JVM)
        .endsWith("-XX:SharedArchiveFile=" + archive.toAbsolutePath());

    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-05T10:01:00Z")));
    assertThat(OperatorClassArchive.jvmOptions(options))
        .as("the operator was built again after it")
        .isEqualTo(RuntimeOptions.SMALL_JVM);
  }

  @Test
  void theTrainingRunsWithoutTheArchiveItIsWriting() throws Exception {
    RuntimeOptions options = RuntimeOptions.defaults(home, home.resolve("runtime"));
    Path jar =
        Files.createDirectories(options.operatorJar().getParent()).resolve("quarkus-run.jar");
    Files.writeString(jar, "");
    Files.createDirectories(options.operatorClassArchive().getParent());
    Files.writeString(options.operatorClassArchive(), "");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.parse("2026-12-05T10:00:00Z")));

    List<String> training =
        OperatorClassArchive.jvmOptions(
            options.withOperatorSettings(List.of("-XX:ArchiveClassesAtExit=/tmp/o.jsa")));

    assertThat(training)
        .contains("-XX:ArchiveClassesAtExit=/tmp/o.jsa")
        .noneMatch(o -> o.startsWith("-XX:SharedArchiveFile="));
  }
}
