package io.quorumkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet stand-in's readiness probe against an HTTPS endpoint whose self-signed certificate
 * nobody trusts and which names no IP: a kubelet probes it anyway, without verifying.
 */
class PodContainerProbeTest {

  private static final char[] PASSWORD = "changeit".toCharArray();

  @TempDir Path root;
  private HttpsServer server;
  private PodContainer container;

  @BeforeEach
  void startHttpsEndpoint() throws Exception {
    Path keystore = root.resolve("probe.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "agent",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=orders-controller-0",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                new String(PASSWORD))
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue())
        .as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext(keystore)));
    // a handler per request, as an agent answers: a slow answer must not queue the next probe
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext(
        "/v1/readyz",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    if (container != null) {
      container.stop();
    }
    server.stop(0);
    ((ExecutorService) server.getExecutor()).shutdownNow();
  }

  @Test
  void givenAnHttpsProbe_thenTheUnverifiedEndpointMakesThePodReady() {
    container = running(podProbing("HTTPS"));

    assertThat(container.probe()).as("the probe says readiness changed").isTrue();

    assertThat(container.snapshot().ready()).isTrue();
    assertThat(container.probe()).as("and not when it stays").isFalse();
  }

  @Test
  void givenAnInitialDelayAndAPeriod_thenTheKubeletProbesNoSoonerAndNoMoreOften() {
    java.util.concurrent.atomic.AtomicInteger probes =
        new java.util.concurrent.atomic.AtomicInteger();
    server.createContext(
        "/v1/counted",
        exchange -> {
          probes.incrementAndGet();
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    Pod pod = podProbing("HTTPS");
    var probe = pod.getSpec().getContainers().get(0).getReadinessProbe();
    probe.getHttpGet().setPath("/v1/counted");
    probe.setInitialDelaySeconds(2);
    probe.setPeriodSeconds(3);
    container = running(pod);

    container.probe();
    assertThat(probes).as("not probed within the initial delay").hasValue(0);
    assertThat(container.snapshot().ready()).isFalse();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              container.probe();
              assertThat(container.snapshot().ready()).isTrue();
            });
    assertThat(probes).hasValue(1);
    container.probe();
    container.probe();
    assertThat(probes).as("probed once per period").hasValue(1);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              container.probe();
              assertThat(probes).hasValue(2);
            });
  }

  @Test
  void givenAnEndpointThatAnswersAfterOneAndAHalfSeconds_thenTheProbesTimeoutDecides() {
    server.createContext(
        "/v1/slow",
        exchange -> {
          try {
            Thread.sleep(1500); // the endpoint under test is slow, as an agent holding its answer
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    Pod pod = podProbing("HTTPS");
    var probe = pod.getSpec().getContainers().get(0).getReadinessProbe();
    probe.getHttpGet().setPath("/v1/slow?waitMs=800");
    probe.setTimeoutSeconds(1);
    container = running(pod);

    container.probe();
    assertThat(container.snapshot().ready()).as("1 s timeout: the answer comes too late").isFalse();

    container.stop();
    probe.setTimeoutSeconds(3);
    container = running(pod);

    container.probe();
    assertThat(container.snapshot().ready()).as("3 s timeout: in time").isTrue();
  }

  @Test
  void givenAnHttpProbeOnTheHttpsPort_thenThePodIsNotReady() {
    container = running(podProbing(null)); // no scheme: HTTP, as in Kubernetes

    container.probe();

    assertThat(container.snapshot().ready()).isFalse();
  }

  private PodContainer running(Pod pod) {
    PodContainer started =
        new PodContainer(
            pod,
            "127.0.0.1",
            (p, ip) -> new ProcessBuilder("sleep", "120"),
            new Processes(root.resolve("pids"), root.toString()),
            CpuWeights.off("a probe test"),
            List::of,
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build());
    started.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.snapshot().running());
    return started;
  }

  private Pod podProbing(String scheme) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("orders-controller-0")
        .withNamespace("kafka")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("quorum-node")
        .withNewReadinessProbe()
        .withNewHttpGet()
        .withScheme(scheme)
        .withPath("/v1/readyz")
        .withPort(new IntOrString(server.getAddress().getPort()))
        .endHttpGet()
        .withFailureThreshold(1)
        .endReadinessProbe()
        .endContainer()
        .endSpec()
        .build();
  }

  private static SSLContext serverContext(Path keystore) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      keys.load(in, PASSWORD);
    }
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, PASSWORD);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(factory.getKeyManagers(), null, null);
    return context;
  }
}
