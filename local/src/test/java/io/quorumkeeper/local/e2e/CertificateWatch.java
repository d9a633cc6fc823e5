package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.kube.Kubelet;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the certificate E2E tests look at on a TLS cluster of the local runtime: its two Secrets,
 * the certificates in them, and every pod incarnation (UID) seen while watching, polled every 200
 * ms: a restart is a new UID. {@link #close()} stops the watch.
 */
final class CertificateWatch implements AutoCloseable {

  private final LocalRuntimeExtension runtime;
  private final String cluster;
  private final Map<String, Set<String>> incarnations = new ConcurrentHashMap<>();
  private final ScheduledExecutorService podWatch = Executors.newSingleThreadScheduledExecutor();

  CertificateWatch(LocalRuntimeExtension runtime, String cluster) {
    this.runtime = runtime;
    this.cluster = cluster;
  }

  /** Starts recording the UIDs of the cluster's pods. */
  CertificateWatch recordPodIncarnations() {
    Runnable look =
        () -> {
          try {
            for (Pod p : clusterPods()) {
              incarnations
                  .computeIfAbsent(p.getMetadata().getName(), k -> ConcurrentHashMap.newKeySet())
                  .add(p.getMetadata().getUid());
            }
          } catch (RuntimeException e) {
            // the next look
          }
        };
    look.run();
    podWatch.scheduleWithFixedDelay(look, 200, 200, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Every pod UID seen so far, per pod. */
  Map<String, Set<String>> incarnations() {
    Map<String, Set<String>> copy = new TreeMap<>();
    incarnations.forEach((pod, uids) -> copy.put(pod, Set.copyOf(uids)));
    return copy;
  }

  @Override
  public void close() {
    podWatch.shutdownNow();
  }

  List<Pod> clusterPods() {
    return runtime.pods().stream()
        .filter(p -> p.getMetadata().getName().startsWith(cluster + "-"))
        .toList();
  }

  Secret tlsSecret() {
    return secret(cluster + "-tls");
  }

  Secret caSecret() {
    return secret(cluster + "-ca");
  }

  private Secret secret(String name) {
    return runtime.client().secrets().inNamespace("default").withName(name).get();
  }

  String revision() {
    return tlsSecret().getMetadata().getAnnotations().get("quorumkeeper.io/certificates");
  }

  /** A Secret's entry as text, null when it has none. */
  static String entry(Secret secret, String key) {
    String value = secret.getData() == null ? null : secret.getData().get(key);
    return value == null
        ? null
        : new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII);
  }

  /** Every certificate of a PEM text, in order; what comes before the first (a key) is skipped. */
  static List<X509Certificate> certificates(String pem) throws CertificateException {
    var x509 = java.security.cert.CertificateFactory.getInstance("X.509");
    String certificates = pem.substring(pem.indexOf("-----BEGIN CERTIFICATE-----"));
    List<X509Certificate> all = new ArrayList<>();
    for (var c :
        x509.generateCertificates(
            new ByteArrayInputStream(certificates.getBytes(StandardCharsets.US_ASCII)))) {
      all.add((X509Certificate) c);
    }
    return all;
  }

  /** Each pod's own certificate, the first of its {@code <pod>.pem} (key, certificate, CA). */
  Map<String, X509Certificate> podCertificates() throws CertificateException {
    Map<String, X509Certificate> certificates = new TreeMap<>();
    Secret tls = tlsSecret();
    for (String key : tls.getData().keySet()) {
      if (key.endsWith(".pem")) {
        certificates.put(key.replace(".pem", ""), certificates(entry(tls, key)).get(0));
      }
    }
    return certificates;
  }

  /**
   * Until {@code <cluster>-tls} carries a revision other than {@code issued} and every one of
   * {@code pods} pods runs it, ready, with no roll in flight; returns that revision.
   */
  String awaitRollDone(String issued, int pods, Duration within) {
    await()
        .atMost(within)
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              String now = revision();
              assertThat(now).as("revision of %s-tls", cluster).isNotEqualTo(issued);
              assertRunning(now, pods);
            });
    return revision();
  }

  /** Every one of {@code pods} pods runs {@code revision}, ready, and no roll is in flight. */
  void assertRunning(String revision, int pods) {
    assertThat(clusterPods())
        .hasSize(pods)
        .allSatisfy(
            p -> {
              assertThat(p.getMetadata().getAnnotations())
                  .containsEntry("quorumkeeper.io/certificates", revision);
              assertThat(Kubelet.isReady(p)).as(p.getMetadata().getName()).isTrue();
            });
    assertThat(QuorumClusters.at(runtime.cluster(cluster), "status.roll")).isEmpty();
  }
}
