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
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A certificate renewed by a roll with no lost acknowledged write (issue 13): the operator runs
 * with certificates that are due for renewal {@link #RENEWAL_AFTER} after they are issued, so while
 * an {@code acks=all} producer writes to a topic with replication factor 3 and {@code
 * min.insync.replicas=2}, the operator issues every pod's certificate again and rolls the pods
 * (docs/security.md, "Renewal"). Then every pod was restarted exactly once, {@code <cluster>-tls}
 * holds new certificates (new serial, later notAfter), and every acknowledged record is read back.
 *
 * <p>Renewal every {@code validity - renewBefore} would roll the cluster again and again; the CA's
 * validity ends just after the first pod certificates, so the renewed ones last as long as the CA
 * and are not renewed again (a certificate never outlives its CA).
 */
class CertificateRenewalE2ETest {

  static final String CLUSTER = "orders";
  static final String BOOTSTRAP = CLUSTER + "-bootstrap.default.svc:9092";
  static final String TOPIC = "renewal";
  static final int PODS = 3;

  /** Issued at creation, due 600 s - 480 s = 2 min later: after Ready and a while of writes. */
  static final Duration RENEWAL_AFTER = Duration.ofMinutes(2);

  @RegisterExtension
  static final LocalRuntimeExtension RUNTIME =
      new LocalRuntimeExtension(
          "certificate-renewal",
          "127.0.42",
          List.of(
              "-Dquorumkeeper.tls.ca-validity=610s",
              "-Dquorumkeeper.tls.certificate-validity=600s",
              "-Dquorumkeeper.tls.renew-before=480s"));

  private final Map<String, Set<String>> incarnations = new ConcurrentHashMap<>();
  private final ScheduledExecutorService podWatch = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopWatching() {
    podWatch.shutdownNow();
  }

  @Test
  void renewedCertificatesRollEveryPodOnceAndNoAcknowledgedWriteIsLost() throws Exception {
    RUNTIME.runtime().apply(LocalRuntimeExtension.HOME.resolve("examples/combined.yaml"));
    RUNTIME.awaitReady(CLUSTER, PODS);
    String issued = revision();
    Map<String, X509Certificate> before = podCertificates();
    assertThat(before).hasSize(PODS);
    recordPodIncarnations();

    try (AcknowledgedWrites writes = AcknowledgedWrites.start(BOOTSTRAP, TOPIC)) {
      assertThat(revision())
          .as(
              "the renewal came before the writes began (Ready took longer than %s?)",
              RENEWAL_AFTER)
          .isEqualTo(issued);
      await().atMost(Duration.ofSeconds(30)).until(() -> writes.acknowledged().size() >= 50);

      String renewed = awaitRollDone(issued);
      int afterRoll = writes.acknowledged().size();
      await().atMost(Duration.ofSeconds(30)).until(() -> writes.acknowledged().size() > afterRoll);
      writes.stop();
      System.out.printf("writes to %s across the roll: %s%n", TOPIC, writes.summary());

      assertThat(incarnations)
          .as("pod UIDs seen, per pod: each restarted exactly once by the roll")
          .hasSize(PODS)
          .allSatisfy((pod, uids) -> assertThat(uids).as(pod).hasSize(2));
      assertRenewed(before, podCertificates(), renewed);
      assertThat(writes.readBack())
          .as("every acknowledged record, read back (%s)", writes.summary())
          .containsAll(writes.acknowledged());
    }
  }

  /**
   * Until {@code <cluster>-tls} carries a revision other than {@code issued} and every pod runs it,
   * ready, with no roll in flight; returns that revision.
   */
  private String awaitRollDone(String issued) {
    await()
        .atMost(RENEWAL_AFTER.plus(Duration.ofMinutes(3)))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              String now = revision();
              assertThat(now).as("revision of %s-tls", CLUSTER).isNotEqualTo(issued);
              assertThat(clusterPods())
                  .hasSize(PODS)
                  .allSatisfy(
                      p -> {
                        assertThat(p.getMetadata().getAnnotations())
                            .containsEntry("quorumkeeper.io/certificates", now);
                        assertThat(Kubelet.isReady(p)).as(p.getMetadata().getName()).isTrue();
                      });
              assertThat(QuorumClusters.at(RUNTIME.cluster(CLUSTER), "status.roll")).isEmpty();
            });
    return revision();
  }

  private static void assertRenewed(
      Map<String, X509Certificate> before, Map<String, X509Certificate> after, String revision) {
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach(
        (pod, old) -> {
          X509Certificate now = after.get(pod);
          assertThat(now.getSerialNumber())
              .as("serial of %s", pod)
              .isNotEqualTo(old.getSerialNumber());
          assertThat(now.getNotAfter()).as("notAfter of %s", pod).isAfter(old.getNotAfter());
        });
    assertThat(revision).endsWith(".1");
  }

  /** Every pod UID of the cluster seen, polled every 200 ms: a restart is a new UID. */
  private void recordPodIncarnations() {
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
  }

  private static List<Pod> clusterPods() {
    return RUNTIME.pods().stream()
        .filter(p -> p.getMetadata().getName().startsWith(CLUSTER + "-"))
        .toList();
  }

  private static Secret tlsSecret() {
    return RUNTIME.client().secrets().inNamespace("default").withName(CLUSTER + "-tls").get();
  }

  private static String revision() {
    return tlsSecret().getMetadata().getAnnotations().get("quorumkeeper.io/certificates");
  }

  /** Each pod's own certificate, the first of its {@code <pod>.pem} (key, certificate, CA). */
  private static Map<String, X509Certificate> podCertificates() throws CertificateException {
    Map<String, X509Certificate> certificates = new TreeMap<>();
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    for (Map.Entry<String, String> e : tlsSecret().getData().entrySet()) {
      if (!e.getKey().endsWith(".pem")) {
        continue;
      }
      String pem = new String(Base64.getDecoder().decode(e.getValue()), StandardCharsets.US_ASCII);
      int begin = pem.indexOf("-----BEGIN CERTIFICATE-----");
      String end = "-----END CERTIFICATE-----";
      String first = pem.substring(begin, pem.indexOf(end, begin) + end.length());
      certificates.put(
          e.getKey().replace(".pem", ""),
          (X509Certificate)
              x509.generateCertificate(
                  new ByteArrayInputStream(first.getBytes(StandardCharsets.US_ASCII))));
    }
    return certificates;
  }
}
