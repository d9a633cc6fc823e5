package io.quorumkeeper.node.kraft;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The class archive the build trained ({@code target/quorum-node.jsa}, docs/quorum-node.md "Start
 * time") holds the classes of a node's whole start, from the launcher through StorageTool's format
 * and the agent to Kafka's raft client and controller, and a JVM on the node's classpath maps them
 * from it rather than loading them from the jars.
 */
class ClassArchiveKraftTest {

  private static final Path TARGET = Path.of(System.getProperty("quorum.node.target", "target"));
  private static final Path ARCHIVE = TARGET.resolve("quorum-node.jsa");
  private static final String CLASSPATH =
      System.getProperty("quorum.node.classpath", System.getProperty("java.class.path"));

  @Test
  void theArchiveHoldsTheClassesOfEveryStepOfANodesStart() throws Exception {
    assertThat(ARCHIVE).as("the archive the build trained").isRegularFile();
    Run listed = java(List.of("-XX:+PrintSharedArchiveAndExit"));
    assertThat(listed.exit()).as(listed.output()).isZero();
    assertThat(listed.output())
        .contains(
            " io.quorumkeeper.node.Launcher ", // the launcher
            " io.quorumkeeper.node.storage.AdminLeaderCheck ", // its leader question
            " org.apache.kafka.metadata.storage.Formatter ", // StorageTool's format
            " io.quorumkeeper.node.agent.AgentServer ", // the agent
            " kafka.server.ControllerServer ", // Kafka's start
            " org.apache.kafka.raft.KafkaRaftClient ",
            " kafka.server.BrokerServer ");
  }

  @Test
  void theArchiveHoldsTheClassesOfTlsAsTheOperatorsNodesSpeakItByDefault() throws Exception {
    Run listed = java(List.of("-XX:+PrintSharedArchiveAndExit"));
    assertThat(listed.exit()).as(listed.output()).isZero();
    assertThat(listed.output())
        .contains(
            " sun.security.ssl.SSLEngineImpl ", // the JDK's TLS
            " org.apache.kafka.common.network.SslChannelBuilder ", // Kafka's SSL listeners
            " org.apache.kafka.common.security.ssl.DefaultSslEngineFactory$PemStore ", // PEM files
            " org.apache.kafka.common.network.SaslChannelBuilder ", // SASL_SSL for clients
            " org.apache.kafka.metadata.authorizer.StandardAuthorizer ",
            " io.netty.handler.ssl.SslHandler ", // the HTTPS agent
            " org.apache.kafka.common.network.PlaintextChannelBuilder "); // and Plaintext's too
  }

  @Test
  void aJvmOnTheNodesClasspathMapsThemFromTheArchive() throws Exception {
    Run version = java(List.of("-Xlog:class+load=info", "kafka.Kafka", "--version"));
    assertThat(version.exit()).as(version.output()).isZero();
    assertThat(version.output())
        .contains("kafka.Kafka source: shared objects file (top)")
        .doesNotContain("Unable to use shared archive");
  }

  private record Run(int exit, String output) {}

  private static Run java(List<String> tail) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:SharedArchiveFile=" + ARCHIVE.toAbsolutePath());
    command.add("-cp");
    command.add(CLASSPATH);
    command.addAll(tail);
    Path out = Files.createTempFile("class-archive", ".out");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("java " + tail + " did not end within 60 s");
    }
    String output = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);
    return new Run(p.exitValue(), output);
  }
}
