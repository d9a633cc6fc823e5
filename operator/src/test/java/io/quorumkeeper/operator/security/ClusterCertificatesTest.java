package io.quorumkeeper.operator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Examples;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.TlsSecretModel;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClusterCertificatesTest {

  private static final Instant NOW = Instant.parse("2026-12-02T07:00:00Z");
  private static final TlsSettings SETTINGS = TlsSettings.defaults();
  private final ClusterCertificates certificates = new ClusterCertificates(SETTINGS);
  private final QuorumCluster cr = Examples.load("separated.yaml");
  private final List<Pool> pools = ClusterModel.pools(cr);

  @Test
  void givenANewClusterWhenReconciledThenACaAndACertificatePerPodAreIssued() throws Exception {
    var outcome = fresh();

    assertThat(outcome.problem()).isEmpty();
    Map<String, String> ca = TlsSecretModel.entries(outcome.ca().orElseThrow());
    Map<String, String> tls = TlsSecretModel.entries(outcome.tls().orElseThrow());
    assertThat(ca).containsOnlyKeys("ca.crt", "ca.key", "operator.crt", "operator.key");
    assertThat(tls).containsKeys("ca.crt").containsEntry("ca.crt", ca.get("ca.crt"));
    assertThat(tls.keySet()).containsExactlyInAnyOrderElementsOf(expectedTlsKeys());
    assertThat(outcome.tls().get().getMetadata().getName())
        .isEqualTo(cr.getMetadata().getName() + "-tls");
    assertThat(outcome.ca().get().getMetadata().getName())
        .isEqualTo(cr.getMetadata().getName() + "-ca");
    assertThat(outcome.tls().get().getMetadata().getLabels())
        .containsEntry(Labels.MANAGED_BY, "quorum-keeper");
    assertThat(outcome.rolls()).isFalse();

    X509Certificate caCert = Pem.firstCertificate(ca.get("ca.crt"));
    assertThat(caCert.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(caCert.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(caCert.getNotAfter().toInstant()).isEqualTo(NOW.plus(SETTINGS.caValidity()));
    caCert.verify(caCert.getPublicKey());
    assertThat(ca.get("ca.key")).startsWith("-----BEGIN PRIVATE KEY-----");
  }

  @Test
  void givenAPodEntryThenItIsKeyCertificateAndCaInThatOrderWithTheContractNames() throws Exception {
    Map<String, String> ca = TlsSecretModel.entries(fresh().ca().orElseThrow());
    String pem = TlsSecretModel.entries(fresh(ca).tls().orElseThrow()).get("payments-broker-1.pem");
    X509Certificate caCert = Pem.firstCertificate(ca.get("ca.crt"));

    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
    List<X509Certificate> chain = Pem.certificates(pem);
    assertThat(chain).hasSize(2);
    assertThat(chain.get(1)).isEqualTo(caCert);
    X509Certificate leaf = chain.get(0);
    leaf.verify(caCert.getPublicKey());
    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=payments-broker-1");
    assertThat(leaf.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(leaf.getExtendedKeyUsage())
        .containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getBasicConstraints()).isEqualTo(-1);
    assertThat(CertificateCheck.dnsNames(leaf))
        .containsExactlyInAnyOrder(
            "payments-broker-1.payments-broker.kafka.svc",
            "payments-broker-1.payments-broker.kafka.svc.cluster.local",
            "payments-broker-1.payments-broker",
            "payments-broker-1",
            "payments-bootstrap.kafka.svc",
            "payments-bootstrap.kafka.svc.cluster.local",
            "payments-bootstrap");
    assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(SETTINGS.certificateValidity()));
    PrivateKey key = Pem.firstPrivateKey(pem);
    assertThat(ClusterCa.matches(key, leaf.getPublicKey())).isTrue();
  }

  @Test
  void givenTheOperatorCertificateThenItIsAClientOfTheClusterCa() throws Exception {
    Map<String, String> ca = TlsSecretModel.entries(fresh().ca().orElseThrow());
    X509Certificate operator = Pem.firstCertificate(ca.get("operator.crt"));

    operator.verify(Pem.firstCertificate(ca.get("ca.crt")).getPublicKey());
    assertThat(operator.getSubjectX500Principal().getName()).isEqualTo("CN=quorum-keeper-operator");
    assertThat(operator.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(operator.getSubjectAlternativeNames()).isNull();
    assertThat(ca.get("operator.key")).startsWith("-----BEGIN PRIVATE KEY-----");
    assertThat(
            ClusterCa.matches(Pem.firstPrivateKey(ca.get("operator.key")), operator.getPublicKey()))
        .isTrue();
  }

  @Test
  void givenValidSecretsWhenReconciledAgainThenNothingChanges() {
    var first = fresh();
    var second = reconcile(allPods(), first.ca(), first.tls(), NOW.plus(Duration.ofDays(100)));

    assertThat(second.ca()).isEqualTo(first.ca());
    assertThat(second.tls()).isEqualTo(first.tls());
    assertThat(second.issued()).isEmpty();
    assertThat(second.revision()).isEqualTo(first.revision());
  }

  @Test
  void givenCertificatesInsideTheRenewalWindowThenTheyAreRenewedAndThePodsRoll() throws Exception {
    var first = fresh();
    Instant later = NOW.plus(SETTINGS.certificateValidity()).minus(Duration.ofDays(29));
    var renewed = reconcile(allPods(), first.ca(), first.tls(), later);

    assertThat(renewed.problem()).isEmpty();
    assertThat(renewed.issued()).hasSize(expectedTlsKeys().size() - 1 + 1); // every pod + operator
    assertThat(renewed.rolls()).isTrue();
    assertThat(renewed.revision()).isNotEqualTo(first.revision());
    assertThat(entry(renewed, "ca.crt")).isEqualTo(entry(first, "ca.crt"));
    X509Certificate leaf = Pem.firstCertificate(entry(renewed, "payments-controller-0.pem"));
    assertThat(leaf.getNotAfter().toInstant())
        .isEqualTo(later.plus(SETTINGS.certificateValidity()));
  }

  @Test
  void givenCertificatesJustOutsideTheRenewalWindowThenTheyAreKept() {
    var first = fresh();
    Instant later = NOW.plus(SETTINGS.certificateValidity()).minus(Duration.ofDays(31));

    var again = reconcile(allPods(), first.ca(), first.tls(), later);

    assertThat(again.issued()).isEmpty();
    assertThat(again.revision()).isEqualTo(first.revision());
  }

  @Test
  void givenAScaleUpThenTheNewPodsGetCertificatesAndTheRevisionStays() {
    var first = fresh();
    cr.getSpec().getBrokers().setReplicas(cr.getSpec().getBrokers().getReplicas() + 2);
    List<Pool> bigger = ClusterModel.pools(cr);

    var scaled =
        certificates.reconcile(
            cr,
            bigger,
            allPods(),
            Map.of(),
            Optional.empty(),
            first.ca(),
            first.tls(),
            NOW.plusSeconds(60));

    int brokers = cr.getSpec().getBrokers().getReplicas();
    assertThat(scaled.issued())
        .containsExactlyInAnyOrder(
            "payments-broker-" + (brokers - 2) + " (missing)",
            "payments-broker-" + (brokers - 1) + " (missing)");
    assertThat(scaled.rolls()).isFalse();
    assertThat(scaled.revision()).isEqualTo(first.revision());
  }

  @Test
  void givenAScaleDownThenTheEntriesBeyondThePoolAreKept() {
    var first = fresh();
    cr.getSpec().getBrokers().setReplicas(1);

    var scaled =
        certificates.reconcile(
            cr,
            ClusterModel.pools(cr),
            allPods(),
            Map.of(),
            Optional.empty(),
            first.ca(),
            first.tls(),
            NOW.plusSeconds(60));

    assertThat(scaled.tls()).isEqualTo(first.tls());
  }

  @Test
  void givenAGarbageEntryOfARunningPodThenItIsReissuedAndThePodsRoll() {
    var first = fresh();
    Secret tls = withEntry(first.tls().get(), "payments-controller-1.pem", "garbage");

    var healed = reconcile(allPods(), first.ca(), Optional.of(tls), NOW.plusSeconds(60));

    assertThat(healed.issued()).hasSize(1);
    assertThat(healed.issued().get(0)).startsWith("payments-controller-1 (unreadable");
    assertThat(healed.rolls()).isTrue();
    assertThat(healed.revision()).isNotEqualTo(first.revision());
  }

  @Test
  void givenAnEntryWithTheWrongNamesThenItIsReissued() {
    var first = fresh();
    Secret tls =
        withEntry(
            first.tls().get(),
            "payments-controller-1.pem",
            entry(first, "payments-controller-0.pem"));

    var healed = reconcile(allPods(), first.ca(), Optional.of(tls), NOW.plusSeconds(60));

    assertThat(healed.issued())
        .containsExactly("payments-controller-1 (subject is CN=payments-controller-0)");
  }

  @Test
  void givenACertificateOfAnotherCaThenItIsReissued() {
    var first = fresh();
    var other = fresh();
    Secret tls =
        withEntry(
            first.tls().get(), "payments-broker-0.pem", entry(other, "payments-broker-0.pem"));

    var healed = reconcile(allPods(), first.ca(), Optional.of(tls), NOW.plusSeconds(60));

    assertThat(healed.issued()).containsExactly("payments-broker-0 (not signed by the cluster CA)");
  }

  @Test
  void givenAGarbageCaWhilePodsExistThenNothingIsWrittenAndTheProblemIsSaid() {
    var first = fresh();
    Secret ca = withEntry(first.ca().get(), "ca.key", "garbage");

    var refused = reconcile(allPods(), Optional.of(ca), first.tls(), NOW.plusSeconds(60));

    assertThat(refused.ca()).isEmpty();
    assertThat(refused.tls()).isEmpty();
    assertThat(refused.revision()).isEqualTo(first.revision());
    assertThat(refused.problem().orElseThrow())
        .startsWith("Secret payments-ca holds no usable CA")
        .contains("does not replace the CA");
  }

  @Test
  void givenAMissingCaBesideTheTlsSecretThenNothingIsWritten() {
    var first = fresh();

    var refused = reconcile(Set.of(), Optional.empty(), first.tls(), NOW.plusSeconds(60));

    assertThat(refused.problem().orElseThrow()).startsWith("Secret payments-ca is missing");
    assertThat(refused.tls()).isEmpty();
  }

  @Test
  void givenAGarbageCaAndNoPodNorTlsSecretThenANewCaIsMade() {
    var first = fresh();
    Secret ca = withEntry(first.ca().get(), "ca.crt", "garbage");

    var replaced = reconcile(Set.of(), Optional.of(ca), Optional.empty(), NOW);

    assertThat(replaced.problem()).isEmpty();
    assertThat(entry(replaced, "ca.crt")).isNotEqualTo(entry(first, "ca.crt"));
  }

  @Test
  void givenAnExpiredCaThenNothingIsWritten() {
    var first = fresh();
    var refused =
        reconcile(
            allPods(), first.ca(), first.tls(), NOW.plus(SETTINGS.caValidity()).plusSeconds(1));

    assertThat(refused.problem().orElseThrow()).contains("the CA expired at");
  }

  @Test
  void givenACaAboutToExpireThenCertificatesLastAsLongAsItAndAreNotRenewedInALoop() {
    var first = fresh();
    Instant late = NOW.plus(SETTINGS.caValidity()).minus(Duration.ofDays(40));
    var renewed = reconcile(allPods(), first.ca(), first.tls(), late);
    var again = reconcile(allPods(), renewed.ca(), renewed.tls(), late.plus(Duration.ofDays(20)));

    assertThat(renewed.issued()).isNotEmpty();
    assertThat(again.issued()).isEmpty();
    assertThat(again.revision()).isEqualTo(renewed.revision());
  }

  private ClusterCertificates.Outcome fresh() {
    return reconcile(Set.of(), Optional.empty(), Optional.empty(), NOW);
  }

  /** A fresh tls Secret under a given CA Secret's entries. */
  private ClusterCertificates.Outcome fresh(Map<String, String> caEntries) {
    Secret ca = TlsSecretModel.render(cr, "payments-ca", caEntries, Map.of());
    return reconcile(Set.of(), Optional.of(ca), Optional.empty(), NOW);
  }

  private ClusterCertificates.Outcome reconcile(
      Set<String> pods, Optional<Secret> ca, Optional<Secret> tls, Instant now) {
    return certificates.reconcile(cr, pools, pods, Map.of(), Optional.empty(), ca, tls, now);
  }

  private Set<String> allPods() {
    return pools.stream()
        .flatMap(p -> IntStream.range(0, p.replicas()).mapToObj(p::podName))
        .collect(Collectors.toSet());
  }

  private Set<String> expectedTlsKeys() {
    Set<String> keys =
        allPods().stream()
            .map(TlsSecretModel::podKey)
            .collect(Collectors.toCollection(HashSet::new));
    keys.add("ca.crt");
    return keys;
  }

  private static String entry(ClusterCertificates.Outcome outcome, String key) {
    Map<String, String> all = new HashMap<>(TlsSecretModel.entries(outcome.tls().orElseThrow()));
    return all.get(key);
  }

  private Secret withEntry(Secret secret, String key, String text) {
    Map<String, String> entries = new HashMap<>(TlsSecretModel.entries(secret));
    entries.put(key, text);
    Map<String, String> annotations =
        secret.getMetadata().getAnnotations() == null
            ? Map.of()
            : secret.getMetadata().getAnnotations();
    return TlsSecretModel.render(cr, secret.getMetadata().getName(), entries, annotations);
  }
}
