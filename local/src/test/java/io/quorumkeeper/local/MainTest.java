package io.quorumkeeper.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./quorum-keeper apply} with a file the API would refuse: one line, exit code 2. */
class MainTest {

  @TempDir Path dir;
  private String home;

  @BeforeEach
  void pointHomeAtTheRepository() {
    home = System.getProperty("quorumkeeper.home");
    System.setProperty("quorumkeeper.home", "..");
  }

  @AfterEach
  void restoreHome() {
    if (home == null) {
      System.clearProperty("quorumkeeper.home");
    } else {
      System.setProperty("quorumkeeper.home", home);
    }
  }

  /** What {@code ./quorum-keeper apply} of a file with these controllers answers. */
  private record Applied(Path file, int code, String stderr) {}

  private Applied apply(String controllers) throws Exception {
    Path file = dir.resolve("cluster.yaml");
    Files.writeString(
        file,
        """
        apiVersion: quorumkeeper.io/v1alpha1
        kind: QuorumCluster
        metadata:
          name: orders
        spec:
          controllers: %s
        """
            .formatted(controllers));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.execute(
            new String[] {"apply", file.toString(), "--dir", dir.resolve("rt").toString()},
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Applied(file, code, err.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void givenAFileWithAnEvenVoterCount_whenApplied_thenTheRulesMessageInOneLineAndExitCode2()
      throws Exception {
    Applied applied = apply("{replicas: 3, voters: 2}");

    assertThat(applied.code()).isEqualTo(2);
    assertThat(applied.stderr().lines()).hasSize(1);
    assertThat(applied.stderr())
        .startsWith(
            "error: "
                + applied.file()
                + ": QuorumCluster.quorumkeeper.io \"orders\" is invalid: spec.controllers:"
                + " Invalid value: \"object\": controllers.voters must be odd");
  }

  @Test
  void givenNoRuntime_whenAValidFileIsApplied_thenExitCode1NamingTheFolder() throws Exception {
    Applied applied = apply("{replicas: 3}");

    assertThat(applied.code()).isEqualTo(1);
    assertThat(applied.stderr()).contains("no runtime is running on");
  }
}
