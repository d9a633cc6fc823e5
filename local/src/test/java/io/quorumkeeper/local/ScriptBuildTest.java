package io.quorumkeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code ./quorum-keeper} script in a copy of the repository's layout, with a Maven
 * wrapper that only records that it ran: the script builds when a jar is missing or a module's
 * source is newer than its jar, and not otherwise.
 */
class ScriptBuildTest {

  static final List<String> JARS =
      List.of(
          "local/target/quorum-keeper-local.jar",
          "operator/target/quarkus-app/quarkus-run.jar",
          "quorum-node/target/quorum-node.jar",
          "local/target/kafka-tools/kafka-tools-4.4.0.jar");
  static final Instant BUILT = Instant.parse("2026-12-01T10:00:00Z");

  @TempDir Path home;

  @BeforeEach
  void layout() throws IOException {
    Files.copy(Path.of("../quorum-keeper"), home.resolve("quorum-keeper"));
    Files.writeString(
        home.resolve("mvnw"),
        """
        #!/usr/bin/env bash
        echo "$*" >> "$(dirname "$0")/mvnw.calls"
        echo "[INFO] Building Quorum Keeper :: Operator 0.1.0-SNAPSHOT                  [4/5]"
        echo "[INFO] Compiling 12 source files"
        """);
    Files.setPosixFilePermissions(
        home.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
    write("pom.xml", BUILT.minusSeconds(60));
    for (String module : List.of("local", "operator", "quorum-node")) {
      write(module + "/pom.xml", BUILT.minusSeconds(60));
      write(module + "/src/main/java/A.java", BUILT.minusSeconds(60));
    }
    for (String jar : JARS) {
      write(jar, BUILT);
    }
  }

  @Test
  void givenJarsNewerThanEverySource_thenNoBuild() throws Exception {
    String stderr = run();

    assertThat(stderr).doesNotContain("quorum-keeper: building");
    assertThat(home.resolve("mvnw.calls")).doesNotExist();
  }

  @Test
  void givenASourceNewerThanItsModulesJar_thenBuildsAndSaysWhyWithOneLinePerModule()
      throws Exception {
    write("quorum-node/src/main/java/A.java", BUILT.plusSeconds(60));

    String stderr = run();

    assertThat(stderr)
        .contains("building (quorum-node/src/main/java/A.java is newer than quorum-node/")
        .contains("Building Quorum Keeper :: Operator")
        .doesNotContain("Compiling 12 source files");
    assertThat(Files.readString(home.resolve("mvnw.calls"))).contains("-DskipTests package");
    assertThat(Files.getLastModifiedTime(home.resolve("quorum-node/target/quorum-node.jar")))
        .as(
            "the jars keep the times the build gave them: the JVM checks quorum-node.jar's against"
                + " the class archive trained for it")
        .isEqualTo(FileTime.from(BUILT));
    Files.delete(home.resolve("mvnw.calls"));
    assertThat(run())
        .as("a build that left the jars as they were does not build again")
        .doesNotContain("quorum-keeper: building");
    assertThat(home.resolve("mvnw.calls")).doesNotExist();
  }

  @Test
  void givenACrdsSourceNewerThanTheJars_thenBuilds() throws Exception {
    write("crds/src/main/java/B.java", BUILT.plusSeconds(60));

    assertThat(run()).contains("building (crds/src/main/java/B.java is newer than");
    assertThat(home.resolve("mvnw.calls")).exists();
  }

  @Test
  void givenAMissingJar_thenBuilds() throws Exception {
    Files.delete(home.resolve(JARS.get(1)));

    assertThat(run()).contains("building (first run: operator/target/quarkus-app/quarkus-run.jar");
    assertThat(home.resolve("mvnw.calls")).exists();
  }

  /** Runs {@code quorum-keeper --help} and returns its stderr (the java it ends with may fail). */
  private String run() throws Exception {
    Process p =
        new ProcessBuilder("bash", home.resolve("quorum-keeper").toString(), "--help")
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return stderr;
  }

  private void write(String path, Instant modified) throws IOException {
    Path file = home.resolve(path);
    Files.createDirectories(file.getParent());
    if (!Files.exists(file)) {
      Files.writeString(file, path);
    }
    Files.setLastModifiedTime(file, FileTime.from(modified));
  }
}
