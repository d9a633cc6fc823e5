package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.security.Pem;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.MovableClock;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A CA rotation through the reconciler against the mock API (docs/security.md, "Renewing the CA"):
 * the operator's clock moves to when the CA is due, and the test plays the pods, restarting them on
 * the StatefulSet's current template when it chooses; the Secrets are checked at each phase.
 */
class CaRotationApiTest {

  static final Path COMBINED = Path.of("../examples/combined.yaml");
  static final List<String> PODS = List.of("orders-node-0", "orders-node-1", "orders-node-2");

  final MovableClock clock = new MovableClock();
  ApiHarness api;

  @BeforeEach
  void start() {
    api = ApiHarness.start(clock);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenADueCa_thenEachPhaseWaitsForEveryPodAndTheSecretsFollowThePhases() throws Exception {
    api.create(COMBINED);
    await().until(() -> statefulSet() != null && secret("orders-tls") != null);
    String created = certificatesOf(statefulSet());
    X509Certificate a = firstCertificate(secret("orders-ca"), "ca.crt");
    runPods(PODS, created);
    // 100 days before the CA ends: certificates renewed yearly now last as long as the CA
    clock.advance(ApiHarness.SETTINGS.tls().caValidity().minus(Duration.ofDays(100)));
    runPods(PODS, created); // a pod event brings a pass
    await().until(() -> !certificatesOf(statefulSet()).equals(created));
    String r0 = certificatesOf(statefulSet());
    Map<String, String> podEntries = podEntries();
    runPods(PODS, r0);
    assertThat(caKeys()).doesNotContain("next-ca.crt");

    clock.advance(Duration.ofDays(11)); // 89 days left: due (ca-renew-before 90d)
    runPods(PODS, r0);

    await() // the Secrets, then the StatefulSet with the new revision
        .until(() -> caKeys().contains("next-ca.crt") && !certificatesOf(statefulSet()).equals(r0));
    X509Certificate b = firstCertificate(secret("orders-ca"), "next-ca.crt");
    String r1 = certificatesOf(statefulSet());
    assertThat(r1).isNotEqualTo(r0);
    assertThat(bundle()).containsExactly(a, b);
    assertThat(podEntries()).as("trust: no certificate issued").isEqualTo(podEntries);
    assertThat(rotationEvents()).hasSize(1);

    runPods(PODS.subList(0, 2), r1); // one pod still runs r0
    api.awaitAnotherPass("orders");
    assertThat(caKeys()).as("one pod on r0: still trust").contains("next-ca.crt");
    api.stopOperator(); // and a restarted operator continues from the Secrets
    api.startOperator();
    api.awaitReconciled("orders");
    assertThat(caKeys()).contains("next-ca.crt").doesNotContain("previous-ca.crt");
    assertThat(certificatesOf(statefulSet())).isEqualTo(r1);

    runPods(PODS.subList(2, 3), r1);
    await()
        .until(
            () ->
                caKeys().contains("previous-ca.crt") && !certificatesOf(statefulSet()).equals(r1));
    String r2 = certificatesOf(statefulSet());
    assertThat(r2).isNotEqualTo(r1);
    assertThat(firstCertificate(secret("orders-ca"), "ca.crt")).isEqualTo(b);
    assertThat(firstCertificate(secret("orders-ca"), "previous-ca.crt")).isEqualTo(a);
    assertThat(caKeys()).doesNotContain("next-ca.crt");
    assertThat(bundle()).containsExactly(b, a);
    for (String pod : PODS) {
      firstCertificate(secret("orders-tls"), pod + ".pem").verify(b.getPublicKey());
    }
    firstCertificate(secret("orders-ca"), "operator.crt").verify(b.getPublicKey());

    runPods(PODS, r2);
    // <cluster>-ca and <cluster>-tls are two writes: wait for both
    await()
        .untilAsserted(
            () -> {
              assertThat(caKeys())
                  .containsExactlyInAnyOrder("ca.crt", "ca.key", "operator.crt", "operator.key");
              assertThat(bundle()).containsExactly(b);
            });
    assertThat(certificatesOf(statefulSet())).as("done: no roll").isEqualTo(r2);
    // posted after both writes
    await()
        .untilAsserted(
            () ->
                assertThat(rotationEvents())
                    .extracting(m -> m.substring(0, m.indexOf(':')))
                    .containsExactlyInAnyOrder(
                        "CA rotation 1/3 (trust)",
                        "CA rotation 2/3 (sign)",
                        "CA rotation 3/3 (done)"));
    api.awaitAnotherPass("orders");
    assertThat(caKeys()).doesNotContain("previous-ca.crt", "next-ca.crt");
    assertThat(certificatesOf(statefulSet())).isEqualTo(r2);
  }

  /** The pods restarted (deleted and created again) on revision {@code revision}, ready. */
  private void runPods(List<String> names, String revision) {
    String hash = annotation(statefulSet(), Labels.TEMPLATE_HASH);
    for (String name : names) {
      api.client().pods().inNamespace(NAMESPACE).withName(name).delete();
      await().until(() -> api.client().pods().inNamespace(NAMESPACE).withName(name).get() == null);
      api.client()
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace(NAMESPACE)
                  .addToLabels(Labels.CLUSTER, "orders")
                  .addToAnnotations(Labels.TEMPLATE_HASH, hash)
                  .addToAnnotations(Labels.CERTIFICATES, revision)
                  .endMetadata()
                  .withNewStatus()
                  .addNewCondition()
                  .withType("Ready")
                  .withStatus("True")
                  .endCondition()
                  .endStatus()
                  .build())
          .create();
    }
  }

  private Map<String, String> podEntries() {
    Map<String, String> entries = new TreeMap<>(TlsSecretModel.entries(secret("orders-tls")));
    entries.remove("ca.crt");
    return entries;
  }

  private java.util.Set<String> caKeys() {
    return secret("orders-ca").getData().keySet();
  }

  private List<X509Certificate> bundle() throws Pem.InvalidPemException {
    return Pem.certificates(TlsSecretModel.entries(secret("orders-tls")).get("ca.crt"));
  }

  private static X509Certificate firstCertificate(Secret secret, String key)
      throws Pem.InvalidPemException {
    return Pem.firstCertificate(TlsSecretModel.entries(secret).get(key));
  }

  private List<String> rotationEvents() {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> "CaRotation".equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  private Secret secret(String name) {
    return api.client().secrets().inNamespace(NAMESPACE).withName(name).get();
  }

  private StatefulSet statefulSet() {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName("orders-node").get();
  }

  private static String certificatesOf(StatefulSet set) {
    return annotation(set, Labels.CERTIFICATES);
  }

  private static String annotation(StatefulSet set, String key) {
    return set.getSpec().getTemplate().getMetadata().getAnnotations().get(key);
  }
}
