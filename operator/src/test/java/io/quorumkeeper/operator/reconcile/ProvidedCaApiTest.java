package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.CertificateAuthoritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.IssuerRefSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.security.Pem;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.TestCa;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A cluster whose CA the user provides, against the mock API: a Secret the user made, or a
 * cert-manager issuer (the test plays cert-manager). The pods' certificates chain to that CA.
 */
class ProvidedCaApiTest {

  static final Path COMBINED = Path.of("../examples/combined.yaml");
  static final Duration LONG = Duration.ofSeconds(20);

  @AutoClose final ApiHarness api = ApiHarness.start();

  @Test
  void givenTheUsersCaSecret_thenThePodCertificatesChainToTheUsersCa() throws Exception {
    TestCa user = TestCa.root("corp CA");
    createSecret(
        "corp-ca", Map.of(), Map.of("ca.crt", user.certificatePem(), "ca.key", user.pkcs8KeyPem()));

    create(new CertificateAuthoritySpec("corp-ca", null));

    await().atMost(LONG).until(() -> secret("orders-tls") != null && statefulSetExists());
    assertThat(TlsSecretModel.entries(secret("orders-ca")).get("ca.crt"))
        .isEqualTo(user.certificatePem());
    assertChainsTo(user.certificate(), List.of());
    assertThat(TlsSecretModel.entries(secret("corp-ca")))
        .as("the user's Secret is left as it was")
        .containsOnlyKeys("ca.crt", "ca.key");
  }

  @Test
  void givenTheUsersSecretIsMissing_thenReadySaysSoNothingIsWrittenUntilItExists()
      throws Exception {
    create(new CertificateAuthoritySpec("corp-ca", null));

    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(readyMessage())
                    .contains("Secret corp-ca (spec.security.certificateAuthority.secretName)")
                    .contains("does not exist"));
    await() // the event follows the status write
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(events())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("ObjectNotWritten");
                          assertThat(e.getMessage()).contains("Secret corp-ca");
                        }));
    assertThat(secret("orders-ca")).isNull();
    assertThat(secret("orders-tls")).isNull();
    assertThat(statefulSetExists()).as("no pod could start without certificates").isFalse();

    TestCa user = TestCa.selfSigned(TestCa.Spec.ca("corp CA"), "RSA");
    createSecret(
        "corp-ca",
        Map.of(),
        Map.of("tls.crt", user.certificatePem(), "tls.key", user.traditionalKeyPem()));

    await().atMost(LONG).until(() -> secret("orders-tls") != null && statefulSetExists());
    assertChainsTo(user.certificate(), List.of());
  }

  @Test
  void givenACertManagerIssuer_thenTheOperatorAsksForACaAndSignsWithWhatCertManagerIssued()
      throws Exception {
    create(
        new CertificateAuthoritySpec(
            null, new IssuerRefSpec("corp-issuer", "ClusterIssuer", null)));

    await().atMost(LONG).until(() -> certificate("orders-ca") != null);
    GenericKubernetesResource certificate = certificate("orders-ca");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec =
        (Map<String, Object>) certificate.getAdditionalProperties().get("spec");
    assertThat(spec)
        .containsEntry("isCA", true)
        .containsEntry("commonName", "orders cluster CA")
        .containsEntry("secretName", "orders-ca-issued")
        .containsEntry(
            "issuerRef",
            Map.of("name", "corp-issuer", "kind", "ClusterIssuer", "group", "cert-manager.io"))
        .containsEntry(
            "privateKey",
            Map.of(
                "algorithm",
                "ECDSA",
                "size",
                256,
                "encoding",
                "PKCS8",
                "rotationPolicy",
                "Always"));
    assertThat(spec.get("secretTemplate").toString())
        .contains(Labels.MANAGED_BY + "=quorum-keeper");
    assertThat(certificate.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(r -> assertThat(r.getUid()).isEqualTo(api.get("orders").getMetadata().getUid()));
    await()
        .atMost(LONG)
        .untilAsserted(() -> assertThat(readyMessage()).contains("waiting for cert-manager"));
    assertThat(secret("orders-tls")).isNull();

    // cert-manager: the issuer's root signs a CA for the Certificate, into its Secret.
    TestCa root = TestCa.root("corp root");
    TestCa issued = root.sign(TestCa.Spec.ca("orders cluster CA"));
    @SuppressWarnings("unchecked")
    Map<String, String> labels =
        (Map<String, String>) ((Map<String, Object>) spec.get("secretTemplate")).get("labels");
    createSecret(
        "orders-ca-issued",
        labels,
        Map.of(
            "ca.crt", root.certificatePem(),
            "tls.crt", issued.certificatePem() + root.certificatePem(),
            "tls.key", issued.traditionalKeyPem()));

    await().atMost(LONG).until(() -> secret("orders-tls") != null && statefulSetExists());
    assertChainsTo(root.certificate(), List.of(issued.certificate()));
    assertThat(TlsSecretModel.entries(secret("orders-ca")).get("ca.crt"))
        .isEqualTo(Pem.certificate(issued.certificate()));
  }

  @Test
  void givenNoCertManager_thenReadySaysItIsNotInstalled() {
    api.notInstalled("/apis/cert-manager.io");

    create(new CertificateAuthoritySpec(null, new IssuerRefSpec("corp-issuer", "Issuer", null)));

    await()
        .atMost(LONG)
        .untilAsserted(
            () ->
                assertThat(readyMessage())
                    .contains("cert-manager is not installed")
                    .contains("certificates.cert-manager.io/v1"));
    assertThat(secret("orders-tls")).isNull();
  }

  /** Every pod's certificate verifies up to {@code anchor} through {@code intermediates}. */
  private void assertChainsTo(X509Certificate anchor, List<X509Certificate> intermediates)
      throws Exception {
    Map<String, String> tls = TlsSecretModel.entries(secret("orders-tls"));
    for (String pod : Set.of("orders-node-0", "orders-node-1", "orders-node-2")) {
      List<X509Certificate> chain = Pem.certificates(tls.get(TlsSecretModel.podKey(pod)));
      assertThat(chain.get(0).getSubjectX500Principal().getName()).isEqualTo("CN=" + pod);
      List<X509Certificate> path = new java.util.ArrayList<>(List.of(chain.get(0)));
      path.addAll(intermediates);
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(anchor, null)));
      parameters.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    }
  }

  private void create(CertificateAuthoritySpec ca) {
    QuorumCluster cr = api.read(COMBINED);
    SecuritySpec security = new SecuritySpec();
    security.setCertificateAuthority(ca);
    cr.getSpec().setSecurity(security);
    api.client().resource(cr).create();
  }

  private void createSecret(String name, Map<String, String> labels, Map<String, String> entries) {
    Map<String, String> data = new TreeMap<>();
    entries.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    api.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .withLabels(labels)
                .endMetadata()
                .withData(data)
                .build())
        .create();
  }

  private GenericKubernetesResource certificate(String name) {
    return api.client()
        .genericKubernetesResources(CertManagerCa.CERTIFICATES)
        .inNamespace(NAMESPACE)
        .withName(name)
        .get();
  }

  private Secret secret(String name) {
    return api.client().secrets().inNamespace(NAMESPACE).withName(name).get();
  }

  private boolean statefulSetExists() {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName("orders-node").get()
        != null;
  }

  private String readyMessage() {
    QuorumCluster cr = api.get("orders");
    if (cr.getStatus() == null) {
      return "";
    }
    return Conditions.find(cr.getStatus().getConditions(), "Ready")
        .map(c -> c.getMessage())
        .orElse("");
  }

  private List<Event> events() {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems();
  }
}
