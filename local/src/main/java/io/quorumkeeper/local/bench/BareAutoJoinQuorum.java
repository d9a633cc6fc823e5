package io.quorumkeeper.local.bench;

import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.kube.NodeClassArchive;
import io.quorumkeeper.local.kube.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * The no-operator side of the heal benchmark: Combined nodes as the same quorum-node processes the
 * pods run (the launcher formats an empty disk, then runs Kafka in its JVM), on the operator's
 * rendered server.properties template with one difference, {@code
 * controller.quorum.auto.join.enable=true} (Kafka's own KIP-853 auto-join), and addresses instead
 * of pod names. Nothing else watches them: a wiped node formats a new directory id and Kafka itself
 * must swap it in.
 */
final class BareAutoJoinQuorum implements AutoCloseable {

  private static final int CONTROLLER_PORT = 9093;

  private final Path dir;
  private final String net;
  private final int nodes;
  private final String classpath;
  private final List<String> jvmOptions;
  private final List<String> archive;
  private final String clusterId = Uuid.randomUuid().toString();
  private final String initialControllers;
  private final Map<Integer, Process> running = new HashMap<>();

  /**
   * Writes the configuration: {@code operatorTemplate} is a pool ConfigMap's {@code
   * server.properties}, {@code net} a free loopback block {@code 127.A.B}.
   */
  BareAutoJoinQuorum(
      Path dir,
      String net,
      int nodes,
      String operatorTemplate,
      Path nodeJar,
      Path nodeLib,
      List<String> jvmOptions) {
    this.dir = dir;
    this.net = net;
    this.nodes = nodes;
    this.classpath = nodeJar.toAbsolutePath() + ":" + nodeLib.toAbsolutePath() + "/*";
    this.jvmOptions = jvmOptions;
    this.archive = NodeClassArchive.options(nodeJar);
    this.initialControllers =
        IntStream.range(0, nodes)
            .mapToObj(i -> i + "@" + ip(i) + ":" + CONTROLLER_PORT + ":" + Uuid.randomUuid())
            .collect(Collectors.joining(","));
    write(
        config().resolve("server.properties"),
        autoJoinTemplate(operatorTemplate, bootstrapControllers()));
    write(config().resolve("bootstrap.properties"), bootstrap(false));
    write(dir.resolve("agent-token"), "bench-token\n");
  }

  /**
   * The operator's template with Kafka's auto-join on and the controllers' addresses as the
   * bootstrap servers; every other line as the operator renders it.
   */
  static String autoJoinTemplate(String operatorTemplate, String bootstrapServers) {
    return operatorTemplate
        .lines()
        .map(
            line -> {
              if (line.startsWith("controller.quorum.auto.join.enable=")) {
                return "controller.quorum.auto.join.enable=true";
              }
              if (line.startsWith("controller.quorum.bootstrap.servers=")) {
                return "controller.quorum.bootstrap.servers=" + bootstrapServers;
              }
              return line;
            })
        .collect(Collectors.joining("\n", "", "\n"));
  }

  String ip(int ordinal) {
    return net + "." + (ordinal + 1);
  }

  String bootstrapControllers() {
    return IntStream.range(0, nodes)
        .mapToObj(i -> ip(i) + ":" + CONTROLLER_PORT)
        .collect(Collectors.joining(","));
  }

  private String bootstrap(boolean formed) {
    return "agent.port=8080\n"
        + ("cluster.formed=" + formed + "\n")
        + ("cluster.id=" + clusterId + "\n")
        + ("initial.controllers=" + initialControllers + "\n")
        + "node.id.offset=0\n"
        + "process.roles=broker,controller\n";
  }

  /** Starts every node; the initial controllers format with their generated directory ids. */
  void start() {
    for (int i = 0; i < nodes; i++) {
      start(i);
    }
  }

  /**
   * From now on an empty disk joins as an observer, as the operator's ConfigMap says once formed.
   */
  void markFormed() {
    write(config().resolve("bootstrap.properties"), bootstrap(true));
  }

  /** kill -9 of the node, its data emptied, and the node started again on the blank disk. */
  void wipe(int ordinal) {
    Process p = running.remove(ordinal);
    if (p != null) {
      Processes.kill(p);
    }
    deleteContents(data(ordinal));
    start(ordinal);
  }

  private void start(int ordinal) {
    String pod = "bare-node-" + ordinal;
    List<String> command = new ArrayList<>();
    command.add(Processes.java().toString());
    command.addAll(jvmOptions);
    command.addAll(archive);
    command.add("-Dqk.local.folder=" + dir.toAbsolutePath());
    command.addAll(List.of("-cp", classpath, "io.quorumkeeper.node.Launcher"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Path log = dir.resolve("logs").resolve(pod + ".log");
    Map<String, String> env = builder.environment();
    env.put("POD_NAME", pod);
    env.put("POD_NAMESPACE", "bench");
    env.put("POD_IP", ip(ordinal));
    env.put("QK_POD_HOST", ip(ordinal));
    env.put("QK_CONFIG_DIR", config().toAbsolutePath().toString());
    env.put("QK_DATA_DIR", data(ordinal).toAbsolutePath().toString());
    env.put("QK_TOKEN_FILE", dir.resolve("agent-token").toAbsolutePath().toString());
    env.put("QK_WORK_DIR", dir.resolve("work").resolve(pod).toAbsolutePath().toString());
    try {
      Files.createDirectories(log.getParent());
      Files.createDirectories(data(ordinal));
      builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      running.put(ordinal, builder.start());
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot start " + pod + ": " + e.getMessage(), e);
    }
  }

  private Path config() {
    return dir.resolve("config");
  }

  private Path data(int ordinal) {
    return dir.resolve("data").resolve("bare-node-" + ordinal);
  }

  /** Whether a node's process ended by itself (then its log says why). */
  boolean anyExited() {
    return running.values().stream().anyMatch(p -> !p.isAlive());
  }

  @Override
  public void close() {
    running.values().forEach(p -> Processes.stop(p, Duration.ofSeconds(5)));
    running.clear();
  }

  private static void deleteContents(Path directory) {
    if (!Files.isDirectory(directory)) {
      return;
    }
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        if (!f.equals(directory)) {
          Files.delete(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
