package io.quorumkeeper.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.node.config.InitialControllers;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The format rehearsal with Kafka's real StorageTool on real files. */
class FormatRehearsalTest {

  private static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";
  private static final String DIR_0 = "b5Qy2aZ3RlSzq1Tw6HfXyA";

  @TempDir Path root;

  private Properties controller(String logDirs) {
    Properties server = new Properties();
    server.setProperty("process.roles", "controller");
    server.setProperty("node.id", "0");
    server.setProperty("controller.listener.names", "CONTROLLER");
    server.setProperty("listeners", "CONTROLLER://127.0.0.1:9093");
    server.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT");
    server.setProperty("controller.quorum.bootstrap.servers", "c-0.c.kafka.svc:9093");
    server.setProperty("log.dirs", logDirs);
    return server;
  }

  private static FormatDecision initialControllers() {
    return new FormatDecision.FormatInitialControllers(
        InitialControllers.parse("0@c-0.c.kafka.svc:9093:" + DIR_0), DIR_0);
  }

  @Test
  void givenAnEmptyDisk_whenRehearsed_thenOnlyTheCopyIsFormattedAndItsFolderGoesOnClose() {
    Path data = root.resolve("data");
    Path folder = root.resolve("work").resolve("format-rehearsal");

    FormatRehearsal rehearsal =
        FormatRehearsal.start(initialControllers(), controller(data.toString()), CLUSTER, folder);
    await().atMost(Duration.ofSeconds(30)).until(rehearsal::finished);

    assertThat(MetaProperties.read(folder.resolve("log-0")))
        .as("Kafka's StorageTool formatted the copy")
        .hasValue(new MetaProperties(CLUSTER, 0, DIR_0));
    assertThat(data).as("the node's own disk is not touched").doesNotExist();
    rehearsal.close();
    assertThat(folder).doesNotExist();
  }

  @Test
  void givenAConfigStorageToolRefuses_whenRehearsed_thenItEndsQuietlyAndLeavesNothing()
      throws IOException {
    Path folder = root.resolve("format-rehearsal");
    Properties broken = controller(root.resolve("data").toString());
    broken.remove("process.roles");
    Files.createDirectories(folder.resolve("left-from-an-earlier-start"));

    FormatRehearsal rehearsal =
        FormatRehearsal.start(initialControllers(), broken, CLUSTER, folder);
    await().atMost(Duration.ofSeconds(30)).until(rehearsal::finished);
    rehearsal.close();

    assertThat(folder).doesNotExist();
  }

  @Test
  void theCopyMovesEveryLogDirectoryIntoTheFolderAndKeepsEverythingElse() throws IOException {
    Properties server = controller("/var/lib/kafka/a, /var/lib/kafka/b");
    server.setProperty("metadata.log.dir", "/var/lib/kafka/meta");
    Path folder = root.resolve("format-rehearsal");

    Path copy = FormatRehearsal.writeCopy(server, folder);

    Properties written = new Properties();
    try (Reader in = Files.newBufferedReader(copy)) {
      written.load(in);
    }
    assertThat(written.getProperty("log.dirs"))
        .isEqualTo(folder.resolve("log-0") + "," + folder.resolve("log-1"));
    assertThat(written.getProperty("metadata.log.dir")).isEqualTo(folder.resolve("metadata") + "");
    assertThat(written).containsEntry("node.id", "0").containsEntry("process.roles", "controller");
    assertThat(server.getProperty("log.dirs"))
        .as("the node's own properties are unchanged")
        .isEqualTo("/var/lib/kafka/a, /var/lib/kafka/b");
  }
}
