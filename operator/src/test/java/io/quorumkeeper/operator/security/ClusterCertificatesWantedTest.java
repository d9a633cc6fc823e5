package io.quorumkeeper.operator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Examples;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.testing.TestCa;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** ClusterCertificates with a {@code wanted} CA: the user's, or the one cert-manager issued. */
class ClusterCertificatesWantedTest {

  private static final Instant NOW = Instant.now();
  private final ClusterCertificates certificates = new ClusterCertificates(TlsSettings.defaults());
  private final QuorumCluster cr = Examples.load("combined.yaml");
  private final List<Pool> pools = ClusterModel.pools(cr);
  private final TestCa root = TestCa.root("corp root");
  private final ClusterCa wanted = load(root.sign(TestCa.Spec.ca("orders cluster CA")));

  @Test
  void givenANewCluster_thenTheWantedCaSignsFromTheStartAndIsCopiedIntoTheCaSecret()
      throws Exception {
    var outcome = reconcile(Set.of(), Optional.of(wanted), Optional.empty(), Optional.empty());

    assertThat(outcome.problem()).isEmpty();
    Map<String, String> ca = TlsSecretModel.entries(outcome.ca().orElseThrow());
    assertThat(ca.get("ca.crt")).isEqualTo(wanted.certificatePem());
    assertThat(ca.get("ca.key")).isEqualTo(wanted.keyPem());
    Map<String, String> tls = TlsSecretModel.entries(outcome.tls().orElseThrow());
    assertThat(tls.get("ca.crt")).isEqualTo(wanted.certificatePem());
    for (String pod : pods()) {
      var leaf = Pem.firstCertificate(tls.get(TlsSecretModel.podKey(pod)));
      leaf.verify(wanted.certificate().getPublicKey());
    }
    Pem.firstCertificate(ca.get("operator.crt")).verify(wanted.certificate().getPublicKey());
  }

  @Test
  void givenAClusterRunningTheWantedCa_thenNothingIsIssuedAgain() {
    var first = reconcile(Set.of(), Optional.of(wanted), Optional.empty(), Optional.empty());

    var again = reconcile(pods(), Optional.of(wanted), first.ca(), first.tls());

    assertThat(again.problem()).isEmpty();
    assertThat(again.issued()).isEmpty();
    assertThat(again.revision()).isEqualTo(first.revision());
  }

  @Test
  void givenARunningClusterOfAnotherCa_thenTheWantedCaStartsARotationTrustedBeforeItSigns() {
    var own = reconcile(Set.of(), Optional.empty(), Optional.empty(), Optional.empty());

    var rotating = reconcile(pods(), Optional.of(wanted), own.ca(), own.tls());

    assertThat(rotating.problem()).isEmpty();
    assertThat(rotating.rotation()).isPresent();
    Map<String, String> ca = TlsSecretModel.entries(rotating.ca().orElseThrow());
    assertThat(ca.get(TlsSecretModel.CA_CERT))
        .isEqualTo(TlsSecretModel.entries(own.ca().orElseThrow()).get(TlsSecretModel.CA_CERT));
    assertThat(ca.get(TlsSecretModel.NEXT_CA_CERT)).isEqualTo(wanted.certificatePem());
    assertThat(TlsSecretModel.entries(rotating.tls().orElseThrow()).get(TlsSecretModel.CA_CERT))
        .contains(wanted.certificatePem())
        .contains(ca.get(TlsSecretModel.CA_CERT));
    assertThat(rotating.rolls()).isTrue();
  }

  @Test
  void givenACaSecretButNoCertificatesAndNoPods_thenTheWantedCaReplacesIt() {
    var own = reconcile(Set.of(), Optional.empty(), Optional.empty(), Optional.empty());

    var adopted = reconcile(Set.of(), Optional.of(wanted), own.ca(), Optional.empty());

    assertThat(adopted.problem()).isEmpty();
    assertThat(TlsSecretModel.entries(adopted.ca().orElseThrow()).get("ca.crt"))
        .isEqualTo(wanted.certificatePem());
    assertThat(adopted.rolls()).isFalse();
  }

  private ClusterCertificates.Outcome reconcile(
      Set<String> pods, Optional<ClusterCa> ca, Optional<Secret> caSecret, Optional<Secret> tls) {
    return certificates.reconcile(cr, pools, pods, Map.of(), ca, caSecret, tls, NOW);
  }

  private Set<String> pods() {
    return pools.stream()
        .flatMap(p -> IntStream.range(0, p.replicas()).mapToObj(p::podName))
        .collect(Collectors.toSet());
  }

  private static ClusterCa load(TestCa ca) {
    try {
      return ProvidedCa.load(
          Map.of("tls.crt", ca.certificatePem(), "tls.key", ca.traditionalKeyPem()), NOW);
    } catch (Pem.InvalidPemException e) {
      throw new AssertionError(e);
    }
  }
}
