package io.quorumkeeper.operator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.config.LeaderElectionSettings;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.DeployRbac;
import io.quorumkeeper.operator.testing.RulesReviewingDispatcher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator's image, as a pod runs it: built from src/main/docker/Dockerfile.jvm with the
 * command Quarkus' container-image-docker extension runs for {@code
 * -Dquarkus.container-image.build=true}, on the offline base (quorum-node/image/build-base.sh),
 * then started as the Deployment starts it (uid 1000, read-only root, writable /tmp only) against a
 * mock Kubernetes API on this machine: it reports ready, takes the leader Lease and renders a
 * QuorumCluster's StatefulSets.
 *
 * <p>Docker through its CLI; the container shares this machine's network, so that the mock API on
 * 127.0.0.1 is its API server. Without a reachable daemon the test is skipped, but fails when
 * {@code CI=true} (.ci/run starts one). Container and image are removed afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorImageTest {

  private static final Duration BUILD = Duration.ofMinutes(10);
  private static final Duration START = Duration.ofSeconds(90);
  private static final String IDENTITY = "image-test";
  private static final String NAMESPACE = "kafka";

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final String image = "quorum-keeper/operator:image-test-" + run;
  private final String container = "qk-operator-image-test-" + run;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private String skipReason;
  private KubernetesMockServer api;
  private KubernetesClient client;
  private int httpPort;
  private boolean started;

  @BeforeAll
  void buildTheImageAndStartItAgainstAMockApi() throws IOException {
    skipReason = dockerMissing();
    if (skipReason != null) {
      System.err.println("[WARNING] " + skipReason);
      return;
    }
    buildImage();
    startApi();
    startContainer();
  }

  /** The offline base if missing, then the command Quarkus' docker extension runs. */
  private void buildImage() {
    Docker.Result base =
        Docker.exec(
            BUILD,
            "bash",
            Path.of("../quorum-node/image/build-base.sh").toAbsolutePath().toString());
    assertThat(base.exit()).as("build-base.sh:%n%s", base.tail(40)).isZero();
    Docker.Result built =
        Docker.docker(
            BUILD, "build", "-q", "-f", "src/main/docker/Dockerfile.jvm", "-t", image, ".");
    assertThat(built.exit()).as("docker build:%n%s", built.tail(40)).isZero();
  }

  /** Fabric8's CRUD mock on 127.0.0.1 with the CRD, answering RBAC reviews from deploy/. */
  private void startApi() {
    api =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new RulesReviewingDispatcher(DeployRbac::operatorNamespaceRules),
            false);
    api.init(InetAddress.getLoopbackAddress(), 0);
    client = api.createClient();
    client.resource(ApiHarness.crd()).create();
  }

  /** As deploy/base/operator.yaml runs it: read-only root, /tmp writable, the Lease settings. */
  private void startContainer() throws IOException {
    httpPort = freePort();
    Docker.Result run =
        Docker.docker(
            Duration.ofSeconds(60),
            "run",
            "--detach",
            "--name",
            container,
            "--network",
            "host",
            "--read-only",
            "--tmpfs",
            "/tmp",
            "--memory",
            "512m",
            "--env",
            "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL=http://127.0.0.1:" + api.getPort(),
            "--env",
            "QUARKUS_HTTP_PORT=" + httpPort,
            "--env",
            "QUORUMKEEPER_LEADER_ELECTION_IDENTITY=" + IDENTITY,
            "--env",
            "QUORUMKEEPER_LEADER_ELECTION_LEASE_NAMESPACE=" + DeployRbac.OPERATOR_NAMESPACE,
            image);
    assertThat(run.exit()).as("docker run:%n%s", run.tail(20)).isZero();
    started = true;
  }

  @AfterAll
  void removeContainerAndImage() {
    if (started) {
      System.out.println("===== docker logs --tail 40 " + container + " =====\n" + logs().tail(40));
      Docker.docker(Duration.ofSeconds(60), "rm", "--force", container);
    }
    if (skipReason == null) {
      Docker.docker(Duration.ofSeconds(60), "rmi", "--force", image);
    }
    if (client != null) {
      client.close();
      api.destroy();
    }
  }

  @Test
  void givenTheImage_whenStartedAsThePodIs_thenItIsReadyLeadsAndReconciles() throws Exception {
    Assumptions.assumeTrue(skipReason == null, () -> skipReason);

    await("the operator in the image reports ready")
        .atMost(START)
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .until(() -> status("/q/health/ready") == 200);
    Lease lease =
        client
            .leases()
            .inNamespace(DeployRbac.OPERATOR_NAMESPACE)
            .withName(LeaderElectionSettings.DEFAULT_LEASE_NAME)
            .get();
    assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(IDENTITY);

    QuorumCluster cluster =
        Serialization.unmarshal(
            Files.readString(Path.of("../examples/combined.yaml")), QuorumCluster.class);
    cluster.getMetadata().setNamespace(NAMESPACE);
    client.resource(cluster).create();
    await("the operator in the image renders the cluster's StatefulSets")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(client.apps().statefulSets().inNamespace(NAMESPACE).list().getItems())
                    .isNotEmpty());

    assertThat(Docker.docker(Duration.ofSeconds(30), "exec", container, "id", "-u").output())
        .as("the operator runs as uid 1000, not root")
        .isEqualToIgnoringWhitespace("1000");
  }

  private Docker.Result logs() {
    return Docker.docker(Duration.ofSeconds(30), "logs", container);
  }

  private int status(String path) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(3))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Null when a Docker daemon answers; the reason to skip otherwise, a failure when CI=true. */
  private static String dockerMissing() {
    Docker.Result info =
        Docker.docker(Duration.ofSeconds(30), "info", "--format", "{{.ServerVersion}}");
    if (info.exit() == 0) {
      return null;
    }
    String why = "no reachable Docker daemon (`docker info`): " + info.tail(3).strip();
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but " + why + "; .ci/run installs docker.io and starts dockerd");
    }
    return "OperatorImageTest skipped: " + why + " (it fails instead when CI=true)";
  }

  /** A command (the docker CLI mostly), bounded in time, output and error merged. */
  static final class Docker {
    record Result(int exit, String output) {
      String tail(int lines) {
        List<String> all = output.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
      }
    }

    static Result docker(Duration timeout, String... args) {
      String[] command = new String[args.length + 1];
      command[0] = "docker";
      System.arraycopy(args, 0, command, 1, args.length);
      return exec(timeout, command);
    }

    static Result exec(Duration timeout, String... command) {
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      builder.environment().merge("PATH", ":/usr/sbin:/sbin", String::concat);
      try {
        Process process = builder.start();
        CompletableFuture<String> out =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return new String(process.getInputStream().readAllBytes());
                  } catch (IOException e) {
                    return e.toString();
                  }
                });
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          return new Result(124, out.getNow("") + "\n(timed out after " + timeout + ")");
        }
        return new Result(process.exitValue(), out.join());
      } catch (IOException e) {
        return new Result(127, command[0] + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }
}
