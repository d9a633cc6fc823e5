package io.quorumkeeper.node.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The quorum-node image, as a pod runs it: builds the offline base and the image with {@code
 * image/build-image.sh}, then starts three Combined nodes of it on a Docker bridge network this
 * test creates (a /24 with static addresses, so {@code POD_IP} is known before start, as the
 * downward API gives it), with the environment, ConfigMap files and token of docs/node-contract.md,
 * and asserts that they form one quorum: every agent's {@code /v1/node} reports the same leader and
 * epoch, and runs the Kafka version the image is tagged with ({@code kafkaVersion}).
 *
 * <p>The image is the one of the build's own Kafka version by default; system properties pick
 * another distribution ({@code quorum.node.target}, {@code quorum.node.image}, {@code
 * quorum.node.kafka.version}): quorum-node-kafka-4.3.1's {@code Kafka431ImageTest} is this test on
 * the 4.3.1 layout. The base image is built once per Docker daemon ({@code build-base.sh} skips an
 * existing one), so a second image test costs only its own layers.
 *
 * <p>Docker is driven through its CLI. Without a reachable daemon the test is skipped, except when
 * {@code CI=true}: then it fails, so CI cannot silently lose it. Containers and the network are
 * removed afterwards whatever happened; their logs are kept in {@code target/image-test/<run>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuorumNodeImageTest {

  static final String POOL = "qk-node";
  static final String NAMESPACE = "qk-image-test";
  static final String TOKEN = "image-test-token-0123456789abcdefghijklmnopqrs";
  static final String CLUSTER_ID = "0d60hQUqQBOmRyGFkO5qHA";
  static final List<String> DIRECTORY_IDS =
      List.of("KxKdpizuQOuAIR0rpzJRWw", "wBkeWCqKSQSJkjivOsgffA", "sBMSq1w8TzWNl_tjg5_3Nw");
  static final int AGENT_PORT = 8080;
  static final Duration FORMING = Duration.ofSeconds(120);
  static final Duration BUILD = Duration.ofMinutes(10);

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final Path target = Path.of(System.getProperty("quorum.node.target", "target"));
  private final Path imageDir = Path.of(System.getProperty("quorum.node.image.dir", "image"));
  private final String image =
      System.getProperty("quorum.node.image", "quorum-keeper/quorum-node:latest");
  private final String kafkaVersion =
      System.getProperty("quorum.node.kafka.version", imageTag(image));
  private final Path work =
      Path.of(
              System.getProperty(
                  "quorum.node.image.test.dir", target.resolve("image-test").toString()))
          .resolve(run)
          .toAbsolutePath();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  /** Why this machine cannot run the test (no Docker daemon, outside CI); null when it can. */
  private String skipReason;

  private String network;
  private String subnetPrefix;
  private final List<String> containers = new ArrayList<>();

  @RegisterExtension
  final TestWatcher logsOnFailure =
      new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
          System.out.println(tailOfLogs(120));
        }
      };

  @BeforeAll
  void buildTheImageAndStartThreeNodes() throws IOException {
    skipReason = dockerMissing(getClass().getSimpleName());
    if (skipReason != null) {
      System.err.println("[WARNING] " + skipReason);
      return;
    }
    Files.createDirectories(work);

    Map<String, String> env = new HashMap<>();
    env.put("IMAGE", image);
    env.put("TARGET", target.toAbsolutePath().toString());
    Docker.Result built =
        Docker.exec(
            List.of("bash", imageDir.resolve("build-image.sh").toAbsolutePath().toString()),
            env,
            BUILD,
            work.resolve("build-image.log"));
    assertThat(built.exit())
        .as("image/build-image.sh (log: %s):%n%s", work.resolve("build-image.log"), built.tail(60))
        .isZero();

    createNetwork();
    writeConfigMapAndSecret();
    try {
      for (int ordinal = 0; ordinal < 3; ordinal++) {
        startNode(ordinal);
      }
    } catch (RuntimeException | AssertionError e) {
      System.out.println(tailOfLogs(120));
      throw e;
    }
  }

  @AfterAll
  void removeContainersAndNetwork() {
    for (String container : containers) {
      Docker.exec(
          List.of("docker", "logs", "--timestamps", container),
          Map.of(),
          Duration.ofSeconds(30),
          work.resolve(container + ".log"));
      Docker.run(Duration.ofSeconds(60), "rm", "--force", "--volumes", container);
    }
    if (network != null) {
      Docker.run(Duration.ofSeconds(30), "network", "rm", network);
    }
  }

  @Test
  void threeContainersFormOneQuorumAndEveryAgentReportsTheSameLeaderAndEpoch() {
    Assumptions.assumeTrue(skipReason == null, () -> skipReason);
    await("three agents agree on one leader and epoch")
        .atMost(FORMING)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              List<JsonNode> nodes = new ArrayList<>();
              for (int ordinal = 0; ordinal < 3; ordinal++) {
                JsonNode node = node(ordinal);
                assertThat(node.get("nodeId").asInt()).isEqualTo(ordinal);
                assertThat(node.get("clusterId").asText()).isEqualTo(CLUSTER_ID);
                assertThat(node.get("directoryId").asText()).isEqualTo(DIRECTORY_IDS.get(ordinal));
                assertThat(node.get("kafkaVersion").asText())
                    .as("the Kafka jars node %d runs on", ordinal)
                    .isEqualTo(kafkaVersion);
                assertThat(node.get("leaderId").isNumber()).as("leaderId of %d", ordinal).isTrue();
                nodes.add(node);
              }
              int leader = nodes.get(0).get("leaderId").asInt();
              long epoch = nodes.get(0).get("leaderEpoch").asLong();
              assertThat(leader).isBetween(0, 2);
              for (JsonNode node : nodes) {
                assertThat(node.get("leaderId").asInt()).isEqualTo(leader);
                assertThat(node.get("leaderEpoch").asLong()).isEqualTo(epoch);
                assertThat(node.get("raftState").asText())
                    .isEqualTo(node.get("nodeId").asInt() == leader ? "leader" : "follower");
              }
            });

    for (int ordinal = 0; ordinal < 3; ordinal++) {
      String container = containers.get(ordinal);
      assertThat(Docker.run(Duration.ofSeconds(30), "logs", container).output())
          .as("logs of %s", container)
          .contains("formatting with --initial-controllers");
      assertThat(Docker.run(Duration.ofSeconds(30), "exec", container, "id", "-u").output().strip())
          .as("the node runs as uid 1000, not root")
          .isEqualTo("1000");
    }
    String container = containers.get(0);
    assertThat(Docker.run(Duration.ofSeconds(30), "logs", container).output())
        .as("logs of %s", container)
        .doesNotContain("Unable to use shared archive");
    assertThat(
            Docker.run(
                    Duration.ofSeconds(60),
                    "exec",
                    container,
                    "java",
                    "-XX:SharedArchiveFile=/opt/quorum-node/quorum-node.jsa",
                    "-Xlog:class+load=info",
                    "-cp",
                    "/opt/quorum-node/quorum-node.jar:/opt/quorum-node/lib/*",
                    "kafka.Kafka",
                    "--version")
                .output())
        .as("the image's class archive, trained on its own JRE and jars (docs/quorum-node.md)")
        .contains("kafka.Kafka source: shared objects file (top)");
  }

  // --- Docker ---

  /**
   * Null when a Docker daemon answers; otherwise the reason to skip, or a failure when {@code
   * CI=true}.
   */
  private static String dockerMissing(String test) {
    Docker.Result info =
        Docker.run(Duration.ofSeconds(30), "info", "--format", "{{.ServerVersion}}");
    if (info.exit() == 0) {
      return null;
    }
    String why =
        "no reachable Docker daemon (`docker info` exit "
            + info.exit()
            + "): "
            + info.tail(5).strip();
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but " + why + "; .ci/run installs docker.io and starts dockerd");
    }
    return test + " skipped: " + why + " (it fails instead when CI=true)";
  }

  /** The tag of an image reference: the Kafka version it bundles (docs/upgrades.md). */
  private static String imageTag(String image) {
    int colon = image.lastIndexOf(':');
    return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "unknown";
  }

  /**
   * A user-defined bridge with an explicit /24 (static addresses need one), traffic inside this
   * machine only. The first 10.213.x.0/24 that overlaps nothing wins.
   */
  private void createNetwork() {
    String name = "qk-image-test-" + run;
    StringBuilder failures = new StringBuilder();
    for (int third = 0; third < 16; third++) {
      String prefix = "10.213." + third + ".";
      Docker.Result created =
          Docker.run(
              Duration.ofSeconds(30),
              "network",
              "create",
              "--driver",
              "bridge",
              "--subnet",
              prefix + "0/24",
              "--label",
              "io.quorumkeeper.test=quorum-node-image",
              name);
      if (created.exit() == 0) {
        network = name;
        subnetPrefix = prefix;
        return;
      }
      failures.append(prefix).append("0/24: ").append(created.tail(2).strip()).append('\n');
    }
    fail("could not create a Docker network on any 10.213.x.0/24:%n%s", failures);
  }

  private void startNode(int ordinal) {
    String container = "qk-image-test-" + run + "-" + podName(ordinal);
    Docker.Result started =
        Docker.run(
            Duration.ofSeconds(60),
            "run",
            "--detach",
            "--name",
            container,
            "--label",
            "io.quorumkeeper.test=quorum-node-image",
            "--network",
            network,
            "--ip",
            ip(ordinal),
            "--hostname",
            podName(ordinal),
            "--network-alias",
            podHost(ordinal),
            "--memory",
            "1g",
            "--env",
            "POD_NAME=" + podName(ordinal),
            "--env",
            "POD_NAMESPACE=" + NAMESPACE,
            "--env",
            "POD_IP=" + ip(ordinal),
            "--env",
            "QK_POD_HOST=" + podHost(ordinal),
            "--env",
            "QK_CONFIG_DIR=/etc/quorum/config",
            "--env",
            "QK_DATA_DIR=/var/lib/quorum/data",
            "--env",
            "QK_TOKEN_FILE=/etc/quorum/secret/agent-token",
            "--volume",
            work.resolve("config") + ":/etc/quorum/config:ro",
            "--volume",
            work.resolve("secret") + ":/etc/quorum/secret:ro",
            image);
    assertThat(started.exit()).as("docker run %s:%n%s", container, started.tail(20)).isZero();
    containers.add(container);
  }

  private String tailOfLogs(int lines) {
    StringBuilder out = new StringBuilder();
    for (String container : containers) {
      out.append("===== docker logs --tail ")
          .append(lines)
          .append(' ')
          .append(container)
          .append(" =====\n")
          .append(
              Docker.run(Duration.ofSeconds(30), "logs", "--tail", "" + lines, container).output());
      out.append("===== state: ")
          .append(
              Docker.run(
                      Duration.ofSeconds(30),
                      "inspect",
                      "--format",
                      "{{.State.Status}} exit={{.State.ExitCode}} oom={{.State.OOMKilled}}",
                      container)
                  .output()
                  .strip())
          .append(" =====\n");
    }
    return out.toString();
  }

  // --- the pod's inputs (docs/node-contract.md) ---

  private void writeConfigMapAndSecret() throws IOException {
    String bootstrapServers =
        IntStream.range(0, 3).mapToObj(i -> podHost(i) + ":9093").collect(Collectors.joining(","));
    String initialControllers =
        IntStream.range(0, 3)
            .mapToObj(i -> i + "@" + podHost(i) + ":9093:" + DIRECTORY_IDS.get(i))
            .collect(Collectors.joining(","));
    writeReadable(
        work.resolve("config/server.properties"),
        """
        advertised.listeners=CONTROLLER://${QK_POD_HOST}:9093,PLAINTEXT://${QK_POD_HOST}:9092
        controller.listener.names=CONTROLLER
        controller.quorum.auto.join.enable=false
        controller.quorum.bootstrap.servers=%s
        group.initial.rebalance.delay.ms=0
        inter.broker.listener.name=PLAINTEXT
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
        listeners=CONTROLLER://${POD_IP}:9093,PLAINTEXT://${POD_IP}:9092
        log.dirs=${QK_DATA_DIR}
        node.id=${QK_NODE_ID}
        process.roles=broker,controller
        """
            .formatted(bootstrapServers));
    writeReadable(
        work.resolve("config/bootstrap.properties"),
        """
        agent.port=%d
        cluster.formed=false
        cluster.id=%s
        initial.controllers=%s
        node.id.offset=0
        process.roles=broker,controller
        """
            .formatted(AGENT_PORT, CLUSTER_ID, initialControllers));
    writeReadable(work.resolve("secret/agent-token"), TOKEN + "\n");
  }

  /** Mounted into containers that run as uid 1000: world-readable, directories traversable. */
  private static void writeReadable(Path file, String content) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    for (Path dir = file.getParent(); dir != null; dir = dir.getParent()) {
      if (dir.getFileName() != null && dir.getFileName().toString().equals("target")) {
        break;
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static String podName(int ordinal) {
    return POOL + "-" + ordinal;
  }

  private static String podHost(int ordinal) {
    return podName(ordinal) + "." + POOL + "." + NAMESPACE + ".svc";
  }

  private String ip(int ordinal) {
    return subnetPrefix + (10 + ordinal);
  }

  /**
   * {@code GET /v1/node} with the token, from this JVM to the container's address on the bridge.
   */
  private JsonNode node(int ordinal) throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://" + ip(ordinal) + ":" + AGENT_PORT + "/v1/node"))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(3))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode())
        .as("/v1/node of %d: %s", ordinal, response.body())
        .isEqualTo(200);
    return json.readTree(response.body());
  }

  /** The docker CLI (or any command), output to a file, bounded in time. */
  static final class Docker {
    record Result(int exit, String output) {
      String tail(int lines) {
        List<String> all = output.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
      }
    }

    static Result run(Duration timeout, String... args) {
      List<String> command = new ArrayList<>();
      command.add("docker");
      command.addAll(List.of(args));
      return exec(command, Map.of(), timeout, null);
    }

    static Result exec(List<String> command, Map<String, String> env, Duration timeout, Path log) {
      Path out = log;
      try {
        if (out == null) {
          out = Files.createTempFile("qk-docker", ".out");
        }
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        Process process;
        try {
          process = builder.start();
        } catch (IOException e) {
          return new Result(127, command.get(0) + ": " + e.getMessage());
        }
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          return new Result(124, Files.readString(out) + "\n(timed out after " + timeout + ")");
        }
        return new Result(process.exitValue(), Files.readString(out));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        if (log == null && out != null) {
          try {
            Files.deleteIfExists(out);
          } catch (IOException ignored) {
            // a temp file
          }
        }
      }
    }
  }
}
