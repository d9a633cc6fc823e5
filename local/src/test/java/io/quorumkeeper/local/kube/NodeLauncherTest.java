package io.quorumkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeLauncherTest {

  @TempDir Path target;

  @Test
  void aPodRunsTheKafkaDistributionItsImageTagNames() throws Exception {
    Path old = Files.createDirectories(target.resolve("kafka-4.3.1"));
    Files.writeString(old.resolve("quorum-node.jar"), "");
    NodeLauncher launcher = launcher();

    assertThat(launcher.classpath("quorum-keeper/quorum-node:4.3.1"))
        .isEqualTo(old.resolve("quorum-node.jar") + ":" + old.resolve("lib") + "/*");
    assertThat(launcher.classpath("quorum-keeper/quorum-node:4.4.0"))
        .isEqualTo(target.resolve("quorum-node.jar") + ":" + target.resolve("lib") + "/*");
    assertThat(launcher.classpath("quorum-keeper/quorum-node"))
        .isEqualTo(launcher.classpath("quorum-keeper/quorum-node:4.4.0"));
  }

  @Test
  void eachKafkaVersionsClasspathGetsItsOwnArchive() throws Exception {
    Path old = Files.createDirectories(target.resolve("kafka-4.3.1"));
    Files.writeString(old.resolve("quorum-node.jar"), "");
    Files.writeString(target.resolve("quorum-node.jar"), "");
    Files.writeString(target.resolve("quorum-node.jsa"), "");
    NodeLauncher launcher = launcher();

    assertThat(launcher.classpathOptions("quorum-keeper/quorum-node:4.4.0"))
        .containsExactly(
            "-XX:SharedArchiveFile=" + target.resolve("quorum-node.jsa").toAbsolutePath(),
            "-cp",
            target.resolve("quorum-node.jar") + ":" + target.resolve("lib") + "/*");
    assertThat(launcher.classpathOptions("quorum-keeper/quorum-node:4.3.1"))
        .as("4.3.1's jars have no archive: 4.4.0's would not match them")
        .containsExactly("-cp", old.resolve("quorum-node.jar") + ":" + old.resolve("lib") + "/*");
  }

  private NodeLauncher launcher() {
    return new NodeLauncher(
        null,
        null,
        target.resolve("quorum-node.jar"),
        target.resolve("lib"),
        List.of(),
        target.resolve("hosts"));
  }
}
