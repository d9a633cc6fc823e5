package io.quorumkeeper.operator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.operator.testing.TestCa;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;

/** A CA the user brings: both Secret formats, both key encodings, and what is refused. */
class ProvidedCaTest {

  private static final Instant NOW = Instant.now();

  @Test
  void givenCaCrtAndAPkcs8CaKey_thenTheCaLoadsAndSigns() throws Exception {
    TestCa user = TestCa.root("corp CA");

    ClusterCa ca =
        ProvidedCa.load(Map.of("ca.crt", user.certificatePem(), "ca.key", user.pkcs8KeyPem()), NOW);

    assertThat(ca.certificate()).isEqualTo(user.certificate());
    assertThat(ca.keyPem()).startsWith("-----BEGIN PRIVATE KEY-----");
    assertSigns(ca, user.certificate());
  }

  @Test
  void givenCertManagersTlsCrtAndTlsKey_thenTheIssuedCaLoadsNotTheIssuersCaCrt() throws Exception {
    TestCa root = TestCa.root("corp root");
    TestCa issued = root.sign(TestCa.Spec.ca("orders cluster CA"));
    String traditional = issued.traditionalKeyPem();
    assertThat(traditional).startsWith("-----BEGIN EC PRIVATE KEY-----");

    ClusterCa ca =
        ProvidedCa.load(
            Map.of(
                "ca.crt",
                root.certificatePem(),
                "tls.crt",
                issued.certificatePem() + root.certificatePem(),
                "tls.key",
                traditional),
            NOW);

    assertThat(ca.certificate()).isEqualTo(issued.certificate());
    assertThat(ca.keyPem()).as("kept as PKCS#8").startsWith("-----BEGIN PRIVATE KEY-----");
    assertSigns(ca, issued.certificate());
  }

  @Test
  void givenAnRsaCaInPkcs1_thenItLoadsAndSignsWithRsa() throws Exception {
    TestCa user = TestCa.selfSigned(TestCa.Spec.ca("rsa CA"), "RSA");
    assertThat(user.traditionalKeyPem()).startsWith("-----BEGIN RSA PRIVATE KEY-----");

    ClusterCa ca =
        ProvidedCa.load(
            Map.of("ca.crt", user.certificatePem(), "ca.key", user.traditionalKeyPem()), NOW);

    assertSigns(ca, user.certificate());
  }

  @Test
  void givenACaWithoutKeyUsage_thenItLoads() throws Exception {
    TestCa user = TestCa.selfSigned(TestCa.Spec.ca("openssl CA").withKeyUsage(null), "EC");

    assertThat(ProvidedCa.load(entries(user), NOW).certificate()).isEqualTo(user.certificate());
  }

  @Test
  void givenALeafCertificate_thenItIsRefusedAsNotACa() {
    TestCa leaf = TestCa.selfSigned(TestCa.Spec.ca("leaf").notCa(), "EC");

    assertRefused(entries(leaf), "ca.crt is not a CA certificate");
  }

  @Test
  void givenACaThatMayNotSignCertificates_thenItIsRefused() {
    TestCa user =
        TestCa.selfSigned(TestCa.Spec.ca("crl only").withKeyUsage(KeyUsage.cRLSign), "EC");

    assertRefused(entries(user), "lacks keyCertSign");
  }

  @Test
  void givenAKeyOfAnotherCa_thenItIsRefused() {
    TestCa user = TestCa.root("corp CA");
    TestCa other = TestCa.root("other CA");

    assertRefused(
        Map.of("ca.crt", user.certificatePem(), "ca.key", other.pkcs8KeyPem()),
        "the private key does not belong to the CA certificate");
  }

  @Test
  void givenAnExpiredCa_thenItIsRefused() {
    TestCa expired =
        TestCa.selfSigned(
            TestCa.Spec.ca("old CA")
                .valid(NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(35))),
            "EC");

    assertRefused(entries(expired), "the CA expired at");
  }

  @Test
  void givenACaValidOnlyLater_thenItIsRefused() {
    TestCa early =
        TestCa.selfSigned(
            TestCa.Spec.ca("future CA")
                .valid(NOW.plus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(400))),
            "EC");

    assertRefused(entries(early), "is not valid before");
  }

  @Test
  void givenGarbage_thenEachIsRefusedReadablyWithoutQuotingTheKey() {
    TestCa user = TestCa.root("corp CA");

    assertRefused(Map.of("ca.crt", "garbage", "ca.key", user.pkcs8KeyPem()), "ca.crt: no");
    assertRefused(
        Map.of("ca.crt", user.certificatePem(), "ca.key", "secret-bytes"),
        "no unencrypted private key");
    assertRefused(Map.of("tls.crt", user.certificatePem()), "neither ca.crt and ca.key nor");
    assertRefused(Map.of(), "neither ca.crt and ca.key nor");
    assertThatThrownBy(
            () ->
                ProvidedCa.load(
                    Map.of("ca.crt", user.certificatePem(), "ca.key", "secret-bytes"), NOW))
        .message()
        .doesNotContain("secret-bytes");
  }

  private static Map<String, String> entries(TestCa ca) {
    return Map.of("ca.crt", ca.certificatePem(), "ca.key", ca.pkcs8KeyPem());
  }

  private static void assertRefused(Map<String, String> entries, String words) {
    assertThatThrownBy(() -> ProvidedCa.load(entries, NOW))
        .isInstanceOf(Pem.InvalidPemException.class)
        .hasMessageContaining(words);
  }

  private static void assertSigns(ClusterCa ca, X509Certificate expectedIssuer) throws Exception {
    IssuedCertificate leaf =
        ca.issue("orders-node-0", List.of("orders-node-0"), Duration.ofDays(1), NOW);
    leaf.certificate().verify(expectedIssuer.getPublicKey());
    assertThat(ca.signed(leaf.certificate())).isTrue();
  }
}
