package io.quorumkeeper.node.bench;

import io.quorumkeeper.node.kraft.NodeProcesses;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;

/**
 * Prints what the launcher costs: time from process start to "Kafka Server started" through the
 * launcher versus bare {@code kafka.Kafka} on the same rendered config, same classpath, same JVM
 * flags and same formatted disk (alternating, ≥ 5 runs each); the first boot of an empty disk
 * through the launcher (leader check + StorageTool); and the agent's {@code /v1/node} latency. A
 * benchmark, not a test: it asserts nothing.
 *
 * <p>Run (see docs/quorum-node.md): {@code java -cp
 * 'quorum-node/target/quorum-node.jar:quorum-node/target/lib/*:quorum-node/target/test-classes'
 * io.quorumkeeper.node.bench.LauncherBenchmark [runs] [requests]}
 */
public final class LauncherBenchmark {

  private static final String IP = "127.0.78.1";
  private static final String HOST = "bench-node-0.bench-node.kafka.svc";
  private static final int AGENT_PORT = 18081;
  private static final String TOKEN = "bench-token-0123456789abcdefghijklmnopqrstu";
  private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC");

  private final Path root;
  private final String classpath;
  private int processCount;

  private LauncherBenchmark(Path root) {
    this.root = root;
    this.classpath = System.getProperty("quorum.node.classpath", nodeClasspath());
  }

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
    Path root = Files.createTempDirectory("quorum-node-bench-");
    System.out.printf(
        "quorum-node benchmark: %d runs, %d agent requests, work dir %s%n", runs, requests, root);
    new LauncherBenchmark(root).run(runs, requests);
  }

  private void run(int runs, int requests) throws Exception {
    writeConfigMap();
    Launched first = launcher();
    long firstBootMs = millisToStarted(first).startedMs();
    agentLatency(requests);
    stop(first.process());
    System.out.printf(
        "first boot through the launcher (empty disk: leader check + format): %d ms%n",
        firstBootMs);

    Path rendered = root.resolve("work").resolve("server.properties");
    List<Long> viaLauncher = new ArrayList<>();
    List<Long> bare = new ArrayList<>();
    List<Long> handoff = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      boolean launcherFirst = i % 2 == 0;
      for (int leg = 0; leg < 2; leg++) {
        boolean launcherLeg = (leg == 0) == launcherFirst;
        Launched launched = launcherLeg ? launcher() : bareKafka(rendered);
        Timing timing = millisToStarted(launched);
        stop(launched.process());
        (launcherLeg ? viaLauncher : bare).add(timing.startedMs());
        if (launcherLeg) {
          handoff.add(timing.handoffMs());
        }
      }
      System.out.printf(
          "  run %d: launcher %d ms, bare kafka.Kafka %d ms%n",
          i + 1, viaLauncher.get(i), bare.get(i));
    }
    double launcherMedian = median(viaLauncher);
    double bareMedian = median(bare);
    System.out.printf(
        Locale.ROOT,
        "restart on a formatted disk, process start -> '%s' (%d runs each):%n"
            + "  through the launcher: median %.0f ms (min %d, max %d)%n"
            + "  bare kafka.Kafka:     median %.0f ms (min %d, max %d)%n"
            + "  ratio launcher/bare:  %.2f (overhead %.0f ms)%n"
            + "  launcher start -> kafka.Kafka.main called: median %.0f ms (JVM start, render, read"
            + " meta.properties, agent bind)%n",
        StartedWatcher.STARTED,
        runs,
        launcherMedian,
        min(viaLauncher),
        max(viaLauncher),
        bareMedian,
        min(bare),
        max(bare),
        launcherMedian / bareMedian,
        launcherMedian - bareMedian,
        median(handoff));
  }

  private void agentLatency(int requests) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + IP + ":" + AGENT_PORT + "/v1/node"))
            .header("Authorization", "Bearer " + TOKEN)
            .build();
    for (int i = 0; i < Math.max(200, requests / 4); i++) {
      http.send(request, HttpResponse.BodyHandlers.ofString());
    }
    long[] micros = new long[requests];
    for (int i = 0; i < requests; i++) {
      long start = System.nanoTime();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      micros[i] = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/v1/node answered " + response.statusCode());
      }
    }
    Arrays.sort(micros);
    System.out.printf(
        "agent GET /v1/node, %d requests on one keep-alive connection: p50 %d us, p99 %d us, max %d us%n",
        requests,
        micros[requests / 2],
        micros[(int) Math.ceil(requests * 0.99) - 1],
        micros[requests - 1]);
  }

  /** A started process and the {@link System#nanoTime()} just before it was started. */
  private record Launched(Process process, long startNanos) {}

  private Launched launcher() throws IOException {
    return start("io.quorumkeeper.node.Launcher", List.of());
  }

  private Launched bareKafka(Path serverProperties) throws IOException {
    return start("kafka.Kafka", List.of(serverProperties.toString()));
  }

  private Launched start(String mainClass, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM);
    command.add("-Djdk.net.hosts.file=" + root.resolve("hosts"));
    command.addAll(List.of("-cp", classpath, mainClass));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.put("POD_NAME", "bench-node-0");
    env.put("POD_NAMESPACE", "kafka");
    env.put("POD_IP", IP);
    env.put("QK_POD_HOST", HOST);
    env.put("QK_CONFIG_DIR", root.resolve("config").toString());
    env.put("QK_DATA_DIR", root.resolve("data").toString());
    env.put("QK_TOKEN_FILE", root.resolve("token").toString());
    env.put("QK_WORK_DIR", root.resolve("work").toString());
    long startNanos = System.nanoTime();
    return new Launched(builder.start(), startNanos);
  }

  /**
   * Milliseconds from process start to "Kafka Server started", and to the launcher's hand-over (-1
   * if none).
   */
  private record Timing(long startedMs, long handoffMs) {}

  private Timing millisToStarted(Launched launched) {
    Path log = root.resolve("node-" + (++processCount) + ".log");
    try {
      StartedWatcher.Marks marks = StartedWatcher.watch(launched.process(), log);
      long startedNanos = marks.started().get(120, TimeUnit.SECONDS);
      long handoffNanos = marks.handoff().getNow(Long.MIN_VALUE);
      return new Timing(
          TimeUnit.NANOSECONDS.toMillis(startedNanos - launched.startNanos()),
          handoffNanos == Long.MIN_VALUE
              ? -1
              : TimeUnit.NANOSECONDS.toMillis(handoffNanos - launched.startNanos()));
    } catch (Exception e) {
      launched.process().destroyForcibly();
      throw new IllegalStateException("node did not start; see " + log, e);
    }
  }

  /** SIGTERM, so Kafka shuts down cleanly and the next start does not pay for log recovery. */
  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private void writeConfigMap() throws IOException {
    Files.createDirectories(root.resolve("config"));
    Files.writeString(root.resolve("hosts"), "127.0.0.1 localhost\n" + IP + " " + HOST + "\n");
    Files.writeString(root.resolve("token"), TOKEN + "\n");
    Files.writeString(
        root.resolve("config").resolve("server.properties"),
        NodeProcesses.plaintextCombinedTemplate(HOST + ":9093"),
        StandardCharsets.UTF_8);
    Files.writeString(
        root.resolve("config").resolve("bootstrap.properties"),
        """
        agent.port=%d
        cluster.formed=false
        cluster.id=%s
        initial.controllers=0@%s:9093:%s
        node.id.offset=0
        process.roles=broker,controller
        """
            .formatted(AGENT_PORT, Uuid.randomUuid(), HOST, Uuid.randomUuid()),
        StandardCharsets.UTF_8);
  }

  /**
   * This JVM's classpath without test classes: the nodes must log with the shipped
   * log4j2.properties, not with log4j2-test.properties (which hides the "Kafka Server started"
   * line).
   */
  private static String nodeClasspath() {
    String separator = System.getProperty("path.separator");
    return Arrays.stream(System.getProperty("java.class.path").split(separator))
        .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes/"))
        .collect(java.util.stream.Collectors.joining(separator));
  }

  private static double median(List<Long> values) {
    long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  private static long min(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).min().orElse(0);
  }

  private static long max(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).max().orElse(0);
  }
}
