package io.quorumkeeper.node.kraft;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Uuid;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Starts quorum-node pods as real JVMs through {@code io.quorumkeeper.node.Launcher}, the way the
 * local runtime will: one loopback address per pod, pod DNS names from a hosts file, a ConfigMap
 * directory per pool, a data directory per pod. Kills every process it started, children included.
 */
public final class NodeProcesses implements AutoCloseable {

  static final int AGENT_PORT = 18080;
  static final String TOKEN = "kraft-test-token-0123456789abcdefghijklmnopq";
  static final int CONTROLLER_PORT = 9093;

  /** How long a quorum, or a node joining it, may take to form. */
  static final Duration FORMING = Duration.ofSeconds(90);

  /** Small, quick-starting JVMs: a test starts several pods on few cores. */
  private static final List<String> TEST_JVM_OPTIONS =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final Path root;
  private final Path hostsFile;
  private final String classpath;
  private final List<String> jvmOptions;
  private final Map<String, Process> running = new LinkedHashMap<>();
  private HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Path tlsDir;
  private final ObjectMapper json = new ObjectMapper();
  private final Thread reaper = new Thread(this::killAll, "node-processes-reaper");

  NodeProcesses(Path root, Path hostsFile, List<String> jvmOptions) {
    this.root = root;
    this.hostsFile = hostsFile;
    this.classpath =
        System.getProperty("quorum.node.classpath", System.getProperty("java.class.path"));
    this.jvmOptions = List.copyOf(jvmOptions);
    Runtime.getRuntime().addShutdownHook(reaper);
    write(root.resolve("agent-token"), TOKEN + "\n");
  }

  /**
   * Pods below {@code root} in small JVMs that exit when their heap runs out, as the image's do:
   * for tests that try to exhaust it.
   */
  static NodeProcesses exitingOnOutOfMemory(Path root) {
    List<String> options = new ArrayList<>(TEST_JVM_OPTIONS);
    options.add("-XX:+ExitOnOutOfMemoryError");
    return new NodeProcesses(root, hostsFileOfThisJvm(), options);
  }

  /** Pods below {@code root}, in small JVMs resolving names through this JVM's hosts file. */
  static NodeProcesses forThisJvm(Path root) {
    return new NodeProcesses(root, hostsFileOfThisJvm(), TEST_JVM_OPTIONS);
  }

  /** Prints the tail of every pod's log when a test fails (the nodes of a per-class lifecycle). */
  static TestWatcher logsOnFailure(Supplier<NodeProcesses> nodes) {
    return new TestWatcher() {
      @Override
      public void testFailed(ExtensionContext context, Throwable cause) {
        System.out.println(nodes.get().tailOfLogs(80));
      }
    };
  }

  /** An await of {@link #FORMING} that polls every half second and rides over exceptions. */
  static ConditionFactory awaitForming(String alias) {
    return await(alias).atMost(FORMING).pollInterval(Duration.ofMillis(500)).ignoreExceptions();
  }

  /** {@code controller.quorum.bootstrap.servers} for these controller pods. */
  static String bootstrapControllers(List<Pod> controllers) {
    return controllers.stream()
        .map(p -> p.host() + ":" + CONTROLLER_PORT)
        .collect(Collectors.joining(","));
  }

  /**
   * A controller-only pool's server.properties template, plaintext, for these bootstrap servers.
   */
  static String plaintextControllerTemplate(String bootstrapControllers) {
    return """
        advertised.listeners=CONTROLLER://${QK_POD_HOST}:9093
        controller.listener.names=CONTROLLER
        controller.quorum.auto.join.enable=false
        controller.quorum.bootstrap.servers=%s
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
        listeners=CONTROLLER://${POD_IP}:9093
        log.dirs=${QK_DATA_DIR}
        node.id=${QK_NODE_ID}
        process.roles=controller
        """
        .formatted(bootstrapControllers);
  }

  /**
   * A Combined pool's server.properties template, plaintext, a controller and a client listener
   * ({@code PLAINTEXT} on 9092), replication factor 1 for Kafka's internal topics.
   */
  public static String plaintextCombinedTemplate(String bootstrapControllers) {
    return """
        advertised.listeners=CONTROLLER://${QK_POD_HOST}:9093,PLAINTEXT://${QK_POD_HOST}:9092
        controller.listener.names=CONTROLLER
        controller.quorum.auto.join.enable=false
        controller.quorum.bootstrap.servers=%s
        inter.broker.listener.name=PLAINTEXT
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
        listeners=CONTROLLER://${POD_IP}:9093,PLAINTEXT://${POD_IP}:9092
        log.dirs=${QK_DATA_DIR}
        node.id=${QK_NODE_ID}
        offsets.topic.replication.factor=1
        process.roles=broker,controller
        transaction.state.log.min.isr=1
        transaction.state.log.replication.factor=1
        """
        .formatted(bootstrapControllers);
  }

  /** The voters of a quorum description: node id to directory id. */
  static Map<Integer, String> voters(QuorumInfo quorum) {
    return quorum.voters().stream()
        .collect(
            Collectors.toMap(
                QuorumInfo.ReplicaState::replicaId, r -> r.replicaDirectoryId().toString()));
  }

  /** A random directory id for each of the first {@code count} initial voters. */
  static List<String> randomDirectoryIds(int count) {
    return IntStream.range(0, count).mapToObj(i -> Uuid.randomUuid().toString()).toList();
  }

  /**
   * A controller pool's bootstrap.properties: the first {@code directoryIds.size()} pods are the
   * initial voters, with those directory ids.
   */
  static String controllerBootstrap(
      List<Pod> pods, List<String> directoryIds, String clusterId, boolean formed) {
    String initial =
        IntStream.range(0, directoryIds.size())
            .mapToObj(
                i ->
                    i
                        + "@"
                        + pods.get(i).host()
                        + ":"
                        + CONTROLLER_PORT
                        + ":"
                        + directoryIds.get(i))
            .collect(Collectors.joining(","));
    return """
        agent.port=%d
        cluster.formed=%s
        cluster.id=%s
        initial.controllers=%s
        node.id.offset=0
        process.roles=controller
        """
        .formatted(AGENT_PORT, formed, clusterId, initial);
  }

  /**
   * Mounts {@code tlsDir} (the TLS Secret: {@code ca.crt}, {@code <pod>.pem}) in every pod started
   * from now on ({@code QK_TLS_DIR}); the agents are then asked over HTTPS, by pod host name,
   * trusting {@code trust}.
   */
  void useTls(Path tlsDir, SSLContext trust) {
    this.tlsDir = tlsDir;
    this.http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).sslContext(trust).build();
  }

  /**
   * The hosts file the test JVM must have been started with, so its Kafka clients resolve pod
   * names.
   */
  static Path hostsFileOfThisJvm() {
    String file = System.getProperty("jdk.net.hosts.file");
    if (file == null) {
      throw new IllegalStateException(
          "start the test JVM with -Djdk.net.hosts.file=<file> (failsafe does) so it can resolve pod names");
    }
    return Path.of(file);
  }

  void writeHosts(Collection<Pod> pods) {
    StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
    pods.forEach(p -> hosts.append(p.ip()).append(' ').append(p.host()).append('\n'));
    write(hostsFile, hosts.toString());
  }

  /**
   * Starts {@code pod} as a Combined quorum of its own (one voter, a new cluster id) from {@code
   * serverTemplate}, which is given the pod's controller endpoint.
   */
  Process startCombinedAlone(Pod pod, Function<String, String> serverTemplate) {
    writeHosts(List.of(pod));
    writeConfigMap(
        pod.pool(),
        serverTemplate.apply(bootstrapControllers(List.of(pod))),
        controllerBootstrap(
                List.of(pod), randomDirectoryIds(1), Uuid.randomUuid().toString(), false)
            .replace("process.roles=controller", "process.roles=broker,controller"));
    return start(pod);
  }

  /** Whether the cluster answers a describe through an Admin client of {@code config} in 5 s. */
  static boolean clusterAnswers(Map<String, Object> config) {
    Map<String, Object> bounded = new LinkedHashMap<>(config);
    bounded.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    bounded.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
    try (Admin admin = Admin.create(bounded)) {
      return admin.describeCluster().clusterId().get(5, TimeUnit.SECONDS) != null;
    } catch (Exception e) {
      return false;
    }
  }

  void writeConfigMap(String pool, String serverTemplate, String bootstrapProperties) {
    write(configDir(pool).resolve("server.properties"), serverTemplate);
    write(configDir(pool).resolve("bootstrap.properties"), bootstrapProperties);
  }

  Path configDir(String pool) {
    return root.resolve("config").resolve(pool);
  }

  Path dataDir(Pod pod) {
    return root.resolve("data").resolve(pod.name());
  }

  Path log(Pod pod) {
    return root.resolve("logs").resolve(pod.name() + ".log");
  }

  /** All the pod's launcher has written so far. */
  String readLog(Pod pod) throws IOException {
    return Files.readString(log(pod));
  }

  /** Starts the pod's launcher; its output is appended to {@link #log(Pod)}. */
  Process start(Pod pod) {
    return start(pod, classpath);
  }

  /**
   * Starts the pod with a JDWP agent listening on its own address and {@code port}, for a test that
   * suspends one of Kafka's threads ({@link JvmThreads}); the JVM does not wait for it.
   */
  Process startDebuggable(Pod pod, int port) {
    return start(
        pod,
        classpath,
        Map.of(
            "JAVA_TOOL_OPTIONS",
            "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address="
                + pod.ip()
                + ":"
                + port));
  }

  /**
   * Starts the pod's launcher on another Kafka version's distribution (system property {@code
   * quorum.node.classpath.<version>}, set by failsafe for every version the build bundles).
   */
  Process startOnKafka(Pod pod, String kafkaVersion) {
    String property = "quorum.node.classpath." + kafkaVersion;
    String versionClasspath = System.getProperty(property);
    if (versionClasspath == null) {
      throw new IllegalStateException(property + " is not set: run this test through failsafe");
    }
    return start(pod, versionClasspath);
  }

  private Process start(Pod pod, String classpath) {
    return start(pod, classpath, Map.of());
  }

  private Process start(Pod pod, String classpath, Map<String, String> extraEnv) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Djdk.net.hosts.file=" + hostsFile);
    command.add("-cp");
    command.add(classpath);
    command.add("io.quorumkeeper.node.Launcher");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(createParent(log(pod)).toFile()));
    Map<String, String> env = builder.environment();
    env.put("POD_NAME", pod.name());
    env.put("POD_NAMESPACE", Pod.NAMESPACE);
    env.put("POD_IP", pod.ip());
    env.put("QK_POD_HOST", pod.host());
    env.put("QK_CONFIG_DIR", configDir(pod.pool()).toString());
    env.put("QK_DATA_DIR", dataDir(pod).toString());
    env.put("QK_TOKEN_FILE", root.resolve("agent-token").toString());
    env.put("QK_WORK_DIR", root.resolve("work").resolve(pod.name()).toString());
    if (tlsDir != null) {
      env.put("QK_TLS_DIR", tlsDir.toString());
    }
    env.putAll(extraEnv);
    try {
      Process process = builder.start();
      synchronized (running) {
        running.put(pod.name(), process);
      }
      return process;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + pod.name(), e);
    }
  }

  /** kill -9 of the pod and anything it spawned; waits until it is gone. */
  void kill(Pod pod) {
    Process process;
    synchronized (running) {
      process = running.remove(pod.name());
    }
    if (process != null) {
      destroy(process);
    }
  }

  void wipeData(Pod pod) throws IOException {
    Path dir = dataDir(pod);
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(file);
        }
      }
    }
  }

  /** GET an agent path with the bearer token; returns status and body. */
  HttpResponse<String> agentGet(Pod pod, String path) throws IOException, InterruptedException {
    String base = tlsDir == null ? "http://" + pod.ip() : "https://" + pod.host();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + ":" + AGENT_PORT + path))
            .header("Authorization", "Bearer " + TOKEN)
            .timeout(Duration.ofSeconds(3))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  /** The agent's {@code /v1/node} view of the pod. */
  JsonNode node(Pod pod) throws IOException, InterruptedException {
    HttpResponse<String> response = agentGet(pod, "/v1/node");
    if (response.statusCode() != 200) {
      throw new IllegalStateException(pod.name() + " /v1/node answered " + response.statusCode());
    }
    return json.readTree(response.body());
  }

  /** The last lines of every pod's log, for a failure report. */
  String tailOfLogs(int lines) {
    StringBuilder out = new StringBuilder();
    try (Stream<Path> logs = Files.list(root.resolve("logs"))) {
      for (Path log : logs.sorted().toList()) {
        List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
        out.append("==== ")
            .append(log.getFileName())
            .append(" (last ")
            .append(lines)
            .append(" lines)\n");
        all.subList(Math.max(0, all.size() - lines), all.size())
            .forEach(line -> out.append(line).append('\n'));
      }
    } catch (IOException e) {
      out.append("(cannot read logs: ").append(e).append(")\n");
    }
    return out.toString();
  }

  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(reaper);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }

  private void killAll() {
    List<Process> all;
    synchronized (running) {
      all = new ArrayList<>(running.values());
      running.clear();
    }
    all.forEach(NodeProcesses::destroy);
  }

  private static void destroy(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Path createParent(Path file) {
    try {
      Files.createDirectories(file.getParent());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(createParent(file), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
