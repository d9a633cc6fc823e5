package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.client.ClientConfig;
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
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowingConsumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * The local runtime as a JUnit 5 extension: one runtime per test class (its cases share it, in
 * order), in {@code target/e2e/<name>} on its own loopback block. When a case fails, the
 * QuorumClusters' status, the events and the tail of every pod's and the operator's log are printed
 * before the failure is reported.
 */
public final class LocalRuntimeExtension
    implements BeforeAllCallback, AfterAllCallback, TestExecutionExceptionHandler {

  public static final Path HOME =
      Path.of(System.getProperty("quorumkeeper.home", "..")).toAbsolutePath().normalize();
  public static final Path E2E_DIR =
      Path.of(System.getProperty("quorumkeeper.e2e.dir", "target/e2e")).toAbsolutePath();
  public static final Duration READY_TIMEOUT = Duration.ofMinutes(4);

  private final String name;
  private final String net;
  private final List<String> operatorSettings;
  private LocalRuntime runtime;
  private final HttpClient http = HttpClient.newHttpClient();

  public LocalRuntimeExtension(String name, String net) {
    this(name, net, List.of());
  }

  /**
   * @param operatorSettings extra options of the operator JVM, e.g. {@code
   *     -Dquorumkeeper.tls.renew-before=8m} (Quarkus reads its settings from system properties)
   */
  public LocalRuntimeExtension(String name, String net, List<String> operatorSettings) {
    this.name = name;
    this.net = net;
    this.operatorSettings = List.copyOf(operatorSettings);
  }

  public RuntimeOptions options() {
    String hosts = System.getProperty("jdk.net.hosts.file");
    RuntimeOptions options =
        RuntimeOptions.defaults(HOME, E2E_DIR.resolve(name))
            .withNet(net)
            .withOperatorSettings(operatorSettings);
    return hosts == null ? options : options.withHostsFile(Path.of(hosts));
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    deleteTree(E2E_DIR.resolve(name));
    runtime = LocalRuntime.start(options());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (runtime != null) {
      runtime.close();
    }
  }

  public LocalRuntime runtime() {
    return runtime;
  }

  public KubernetesClient client() {
    return runtime.client();
  }

  /** Stops the runtime and starts it again on the same folder. */
  public void restart() {
    runtime.close();
    runtime = LocalRuntime.start(options());
  }

  public GenericKubernetesResource cluster(String name) {
    return QuorumClusters.of(client()).inNamespace("default").withName(name).get();
  }

  /**
   * How a client of the cluster's first listener connects (bootstrap Service, TLS and SCRAM from
   * the user Secret on a cluster that has them), as {@code ./quorum-keeper kafka} does.
   */
  public ClientConfig clients(String cluster) {
    return ClientConfig.ofCluster(client(), "default", cluster);
  }

  /**
   * Until the cluster's Ready condition is True and {@code pods} of its pods are ready (after a
   * restart of the runtime, the restored status says Ready before any pod runs again).
   */
  public void awaitReady(String cluster, int pods) {
    await()
        .atMost(READY_TIMEOUT)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              GenericKubernetesResource qc = cluster(cluster);
              long ready =
                  pods().stream()
                      .filter(p -> p.getMetadata().getName().startsWith(cluster + "-"))
                      .filter(io.quorumkeeper.local.kube.Kubelet::isReady)
                      .count();
              return qc != null
                  && QuorumClusters.condition(qc, "Ready").filter("True"::equals).isPresent()
                  && ready == pods;
            });
  }

  /** The cluster's {@code status.quorum} and {@code status.operation}. */
  QuorumState quorum(String cluster) {
    return QuorumState.of(cluster(cluster));
  }

  /**
   * Until {@code assertions} hold for the cluster's quorum status; returns the status they held
   * for. Every status seen on the way is passed to {@code seen} first (to check what happened
   * during a heal, not only how it ended).
   */
  QuorumState awaitQuorum(
      String cluster,
      Duration atMost,
      Consumer<QuorumState> seen,
      ThrowingConsumer<QuorumState> assertions) {
    AtomicReference<QuorumState> last = new AtomicReference<>();
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              QuorumState q = quorum(cluster);
              seen.accept(q);
              last.set(q);
              assertions.accept(q);
            });
    return last.get();
  }

  QuorumState awaitQuorum(
      String cluster, Duration atMost, ThrowingConsumer<QuorumState> assertions) {
    return awaitQuorum(cluster, atMost, q -> {}, assertions);
  }

  /**
   * Until the quorum is as a user wants it: {@code voters/voters} voters, all caught up, the given
   * fault tolerance, every spare caught up, and no operation in flight.
   */
  QuorumState awaitHealthyQuorum(String cluster, int voters, int tolerance, Duration atMost) {
    return awaitQuorum(cluster, atMost, q -> assertHealthy(q, voters, tolerance));
  }

  static void assertHealthy(QuorumState q, int voters, int tolerance) {
    assertThat(q.voterSummary()).isEqualTo(voters + "/" + voters);
    assertThat(q.faultTolerance()).isEqualTo(tolerance);
    assertThat(q.allVotersCaughtUp()).as("all voters caught up: %s", q.members()).isTrue();
    assertThat(q.members())
        .filteredOn(m -> "Spare".equals(m.role()))
        .allSatisfy(m -> assertThat(m.health()).isEqualTo("CaughtUp"));
    assertThat(q.operation()).isEmpty();
  }

  /** A condition of the cluster's status (type, status, reason, message), if present. */
  @SuppressWarnings("unchecked")
  Optional<Map<String, Object>> condition(String cluster, String type) {
    return QuorumClusters.at(cluster(cluster), "status.conditions")
        .filter(List.class::isInstance)
        .flatMap(
            list ->
                ((List<Object>) list)
                    .stream()
                        .map(c -> (Map<String, Object>) c)
                        .filter(c -> type.equals(c.get("type")))
                        .findFirst());
  }

  /** The events the operator recorded about a QuorumCluster, oldest first. */
  public List<Event> events(String cluster) {
    return client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "QuorumCluster".equals(e.getInvolvedObject().getKind()))
        .filter(e -> cluster.equals(e.getInvolvedObject().getName()))
        .sorted(Comparator.comparing(e -> String.valueOf(e.getLastTimestamp())))
        .toList();
  }

  /** The events about a QuorumCluster with one of these reasons, oldest first. */
  public List<Event> events(String cluster, String... reasons) {
    List<String> wanted = List.of(reasons);
    return events(cluster).stream().filter(e -> wanted.contains(e.getReason())).toList();
  }

  public List<Pod> pods() {
    return client().pods().inNamespace("default").list().getItems();
  }

  /** The agent's {@code GET /v1/node} of a pod, with the cluster's bearer token. */
  public JsonNode agentNode(String cluster, String pod) {
    Pod p = client().pods().inNamespace("default").withName(pod).get();
    Secret secret =
        client().secrets().inNamespace("default").withName(cluster + "-agent-token").get();
    String token =
        new String(
                Base64.getDecoder().decode(secret.getData().get("agent-token")),
                StandardCharsets.UTF_8)
            .strip();
    Secret tls = client().secrets().inNamespace("default").withName(cluster + "-tls").get();
    // A TLS cluster's agents answer over HTTPS for their pod's DNS name (the StatefulSet's
    // headless Service), trusted through the cluster CA only, as the operator reaches them.
    URI uri =
        tls == null
            ? URI.create("http://" + p.getStatus().getPodIP() + ":8080/v1/node")
            : URI.create(
                "https://"
                    + pod
                    + "."
                    + pod.substring(0, pod.lastIndexOf('-'))
                    + ".default.svc:8080/v1/node");
    HttpClient client = tls == null ? http : AgentTls.trusting(tls);
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(uri)
                  .header("Authorization", "Bearer " + token)
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(pod + " /v1/node answered " + response.statusCode());
      }
      return new ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    try {
      dump(context.getDisplayName());
    } catch (RuntimeException e) {
      System.err.println("(could not dump the runtime: " + e + ")");
    }
    throw throwable;
  }

  private void dump(String test) {
    StringBuilder out =
        new StringBuilder(
            "\n===== local runtime " + name + " after failure of " + test + " =====\n");
    if (runtime != null) {
      for (GenericKubernetesResource qc : QuorumClusters.all(client())) {
        out.append("--- QuorumCluster ")
            .append(qc.getMetadata().getName())
            .append(" status:\n")
            .append(
                client()
                    .getKubernetesSerialization()
                    .asYaml(qc.getAdditionalProperties().get("status")));
      }
      out.append("--- events:\n");
      client().v1().events().inAnyNamespace().list().getItems().stream()
          .sorted(Comparator.comparing(e -> String.valueOf(e.getLastTimestamp())))
          .forEach(e -> out.append("  ").append(line(e)).append('\n'));
      out.append("--- pods:\n");
      pods()
          .forEach(
              p ->
                  out.append("  ")
                      .append(p.getMetadata().getName())
                      .append(' ')
                      .append(client().getKubernetesSerialization().asJson(p.getStatus()))
                      .append('\n'));
    }
    Path logs = E2E_DIR.resolve(name).resolve("logs");
    try (Stream<Path> files = Files.walk(logs)) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        out.append("--- tail of ").append(logs.relativize(log)).append(":\n");
        lines
            .subList(Math.max(0, lines.size() - 40), lines.size())
            .forEach(l -> out.append("  ").append(l).append('\n'));
      }
    } catch (IOException e) {
      out.append("(no logs: ").append(e.getMessage()).append(")\n");
    }
    System.err.println(out);
  }

  private static String line(Event e) {
    return e.getLastTimestamp()
        + " "
        + e.getType()
        + " "
        + e.getReason()
        + " "
        + e.getInvolvedObject().getKind()
        + "/"
        + e.getInvolvedObject().getName()
        + ": "
        + e.getMessage();
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }
}
