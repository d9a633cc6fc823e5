package io.quorumkeeper.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer whose name did not resolve a moment ago resolves once it has an address: the launcher's
 * DNS cache policy ({@link DnsCaching}, set by the launcher before its logger), in a JVM of its own
 * since the JDK reads the policy once. The control run without it shows the JDK's 10 s memory of a
 * failure.
 */
class DnsCachingTest {

  @TempDir Path dir;

  @Test
  void aNameThatAppearsResolvesWithinSecondsWithTheLaunchersPolicy_notWithTheJdksDefault()
      throws Exception {
    assertThat(probe("launcher"))
        .contains("first lookup: unknown")
        .contains("second lookup: resolved");
    assertThat(probe("default"))
        .as("the JDK's default: a failed lookup is remembered for 10 s")
        .contains("first lookup: unknown")
        .contains("second lookup: unknown");
  }

  private String probe(String mode) throws Exception {
    Path hosts = Files.writeString(dir.resolve(mode + ".hosts"), "127.0.0.1 localhost\n");
    Path out = dir.resolve(mode + ".out");
    Process p =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djdk.net.hosts.file=" + hosts,
                    "-cp",
                    System.getProperty("java.class.path"),
                    DnsCachingProbe.class.getName(),
                    mode))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the probe JVM ended").isTrue();
    return Files.readString(out, StandardCharsets.UTF_8);
  }
}
