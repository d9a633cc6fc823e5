package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
              // rolls are this test's means, not its subject: a short settling time (ADR 026)
              "-Dquorumkeeper.roll.settle=2s",
              "-Dquorumkeeper.tls.ca-validity=610s",
              "-Dquorumkeeper.tls.ca-renew-before=1s", // no CA rotation within the test
              "-Dquorumkeeper.tls.certificate-validity=600s",
              "-Dquorumkeeper.tls.renew-before=480s"));

  private final CertificateWatch watch = new CertificateWatch(RUNTIME, CLUSTER);

  @AfterEach
  void stopWatching() {
    watch.close();
  }

  @Test
  void renewedCertificatesRollEveryPodOnceAndNoAcknowledgedWriteIsLost() throws Exception {
    RUNTIME.runtime().apply(LocalRuntimeExtension.HOME.resolve("examples/combined.yaml"));
    RUNTIME.awaitReady(CLUSTER, PODS);
    String issued = watch.revision();
    Map<String, X509Certificate> before = watch.podCertificates();
    assertThat(before).hasSize(PODS);
    watch.recordPodIncarnations();

    try (AcknowledgedWrites writes =
        AcknowledgedWrites.start(() -> RUNTIME.clients(CLUSTER), TOPIC)) {
      assertThat(watch.revision())
          .as(
              "the renewal came before the writes began (Ready took longer than %s?)",
              RENEWAL_AFTER)
          .isEqualTo(issued);
      await().atMost(Duration.ofSeconds(30)).until(() -> writes.count() >= 50);

      String renewed = watch.awaitRollDone(issued, PODS, RENEWAL_AFTER.plus(Duration.ofMinutes(3)));
      int afterRoll = writes.count();
      writes.awaitMoreThan(afterRoll, Duration.ofSeconds(60));
      writes.stop();
      System.out.printf("writes to %s across the roll: %s%n", TOPIC, writes.summary());

      assertThat(watch.incarnations())
          .as("pod UIDs seen, per pod: each restarted exactly once by the roll")
          .hasSize(PODS)
          .allSatisfy((pod, uids) -> assertThat(uids).as(pod).hasSize(2));
      assertRenewed(before, watch.podCertificates(), renewed);
      assertThat(writes.missingOnReadBack())
          .as("acknowledged records not read back (%s)", writes.summary())
          .isEmpty();
    }
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
}
