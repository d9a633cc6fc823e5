package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster CA renewed without a split quorum and with no lost acknowledged write (issue 13,
 * docs/security.md "Renewing the CA"): the operator runs with a CA due for rotation {@link
 * #ROTATION_AFTER} after it is made, so while an {@code acks=all} producer writes to a topic with
 * replication factor 3 and {@code min.insync.replicas=2}, the operator trusts a new CA beside the
 * old one (a roll), signs with it (a roll), and drops the old one (no roll). Then every pod was
 * restarted exactly twice, every certificate is of the new CA, {@code <cluster>-tls} trusts only
 * the new CA, and every acknowledged record is read back.
 *
 * <p>The new CA is due again {@link #ROTATION_AFTER} after it was made; the rotation (two rolls of
 * three nodes) must be done and checked before. Certificates last as long as their CA and are not
 * renewed on their own.
 */
class CaRotationE2ETest {

  static final String CLUSTER = "orders";
  static final String TOPIC = "rotation";
  static final int PODS = 3;

  /**
   * The CA lasts 1500 s and is rotated 1280 s before it expires: 220 s after it is made, after
   * Ready (about 20 s here, up to 3 min on a loaded machine) and a while of writes; the new CA's
   * rotation (79 s here, 166 s on a loaded machine) and the checks fit in the same 220 s.
   */
  static final Duration ROTATION_AFTER = Duration.ofSeconds(220);

  @RegisterExtension
  static final LocalRuntimeExtension RUNTIME =
      new LocalRuntimeExtension(
          "ca-rotation",
          "127.0.47",
          List.of(
              // rolls are this test's means, not its subject: a short settling time (ADR 026)
              "-Dquorumkeeper.roll.settle=2s",
              "-Dquorumkeeper.tls.ca-validity=1500s",
              "-Dquorumkeeper.tls.ca-renew-before=1280s",
              "-Dquorumkeeper.tls.certificate-validity=3600s",
              "-Dquorumkeeper.tls.renew-before=60s"));

  private final CertificateWatch watch = new CertificateWatch(RUNTIME, CLUSTER);
  private final Map<String, Instant> phasesSeen = new ConcurrentHashMap<>();
  private final ScheduledExecutorService phaseWatch = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopWatching() {
    watch.close();
    phaseWatch.shutdownNow();
  }

  @Test
  void theCaIsRotatedByTwoRollsWithoutALostAcknowledgedWrite() throws Exception {
    RUNTIME.runtime().apply(LocalRuntimeExtension.HOME.resolve("examples/combined.yaml"));
    RUNTIME.awaitReady(CLUSTER, PODS);
    String oldCa = CertificateWatch.entry(watch.caSecret(), "ca.crt");
    String issued = watch.revision();
    watch.recordPodIncarnations();
    recordPhases();

    try (AcknowledgedWrites writes =
        AcknowledgedWrites.start(() -> RUNTIME.clients(CLUSTER), TOPIC)) {
      assertThat(phasesSeen)
          .as("the rotation began before the writes (Ready took longer than %s?)", ROTATION_AFTER)
          .doesNotContainKey("trust");
      await().atMost(Duration.ofSeconds(30)).until(() -> writes.count() >= 50);

      awaitRotationDone(oldCa);
      Map<String, java.util.Set<String>> incarnations = watch.incarnations();
      Duration took = Duration.between(phasesSeen.get("trust"), phasesSeen.get("done"));
      int afterRotation = writes.count();
      writes.awaitMoreThan(afterRotation, Duration.ofSeconds(60));
      writes.stop();
      System.out.printf(
          "CA rotation: trust at %s, sign at %s, done at %s (%d s); writes to %s: %s%n",
          phasesSeen.get("trust"),
          phasesSeen.get("sign"),
          phasesSeen.get("done"),
          took.toSeconds(),
          TOPIC,
          writes.summary());

      assertThat(incarnations)
          .as("pod UIDs seen, per pod: each restarted exactly twice (trust, sign)")
          .hasSize(PODS)
          .allSatisfy((pod, uids) -> assertThat(uids).as(pod).hasSize(3));
      assertOnlyTheNewCa(oldCa, issued);
      assertThat(rotationEvents())
          .as("CaRotation events")
          .hasSize(3)
          .anySatisfy(m -> assertThat(m).startsWith("CA rotation 1/3 (trust)"))
          .anySatisfy(m -> assertThat(m).startsWith("CA rotation 2/3 (sign)"))
          .anySatisfy(m -> assertThat(m).startsWith("CA rotation 3/3 (done)"));
      assertThat(writes.missingOnReadBack())
          .as("acknowledged records not read back (%s)", writes.summary())
          .isEmpty();
    }
  }

  /** Until {@code <cluster>-ca} signs with another CA, alone, and every pod runs its revision. */
  private void awaitRotationDone(String oldCa) {
    await()
        .atMost(ROTATION_AFTER.plus(Duration.ofMinutes(5)))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(phasesSeen).containsKeys("trust", "sign", "done");
              Secret ca = watch.caSecret();
              assertThat(CertificateWatch.entry(ca, "ca.crt")).isNotEqualTo(oldCa);
              assertThat(ca.getData()).doesNotContainKeys("next-ca.crt", "previous-ca.crt");
              watch.assertRunning(watch.revision(), PODS);
            });
  }

  private void assertOnlyTheNewCa(String oldCa, String issued) throws Exception {
    Secret ca = watch.caSecret();
    X509Certificate newCa =
        CertificateWatch.certificates(CertificateWatch.entry(ca, "ca.crt")).get(0);
    X509Certificate old = CertificateWatch.certificates(oldCa).get(0);
    assertThat(newCa).isNotEqualTo(old);
    assertThat(CertificateWatch.certificates(CertificateWatch.entry(watch.tlsSecret(), "ca.crt")))
        .as("the bundle of %s-tls", CLUSTER)
        .containsExactly(newCa);
    Map<String, X509Certificate> pods = watch.podCertificates();
    assertThat(pods).hasSize(PODS);
    pods.forEach(
        (pod, certificate) -> {
          assertThat(certificate.getIssuerX500Principal())
              .isEqualTo(newCa.getSubjectX500Principal());
          try {
            certificate.verify(newCa.getPublicKey());
          } catch (Exception e) {
            throw new AssertionError(pod + " is not signed by the new CA", e);
          }
        });
    X509Certificate operator =
        CertificateWatch.certificates(CertificateWatch.entry(ca, "operator.crt")).get(0);
    operator.verify(newCa.getPublicKey());
    assertThat(watch.revision()).isNotEqualTo(issued);
  }

  /** Which phases {@code <cluster>-ca} was seen in, and when first, polled every 250 ms. */
  private void recordPhases() {
    Runnable look =
        () -> {
          try {
            Map<String, String> data = watch.caSecret().getData();
            Instant now = Instant.now();
            if (data.containsKey("next-ca.crt")) {
              phasesSeen.putIfAbsent("trust", now);
            } else if (data.containsKey("previous-ca.crt")) {
              phasesSeen.putIfAbsent("sign", now);
            } else if (phasesSeen.containsKey("sign")) {
              phasesSeen.putIfAbsent("done", now);
            }
          } catch (RuntimeException e) {
            // the next look
          }
        };
    phaseWatch.scheduleWithFixedDelay(look, 0, 250, TimeUnit.MILLISECONDS);
  }

  private static List<String> rotationEvents() {
    return RUNTIME.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "CaRotation".equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }
}
