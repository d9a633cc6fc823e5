package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A cluster whose CA the user brings (docs/security.md, "Bringing your own CA or cert-manager"):
 * real Kafka nodes reach Ready over mutual TLS with certificates of the user's CA, given as a
 * Secret before the cluster (in cert-manager's tls.crt/tls.key format).
 */
class ProvidedCaE2ETest {

  static final String CLUSTER = "owned";

  @RegisterExtension
  static final LocalRuntimeExtension RUNTIME = new LocalRuntimeExtension("provided-ca", "127.0.47");

  @Test
  void givenTheUsersCaSecret_thenTheClusterRunsReadyOnCertificatesOfThatCa() throws Exception {
    KeyPair keys = keyPair();
    X509Certificate ca = selfSignedCa(keys);
    RUNTIME
        .client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("corp-ca")
                .withNamespace("default")
                .endMetadata()
                .withData(
                    base64(
                        Map.of(
                            "tls.crt",
                            pem(ca),
                            "tls.key",
                            pem(new JcaPKCS8Generator(keys.getPrivate(), null)))))
                .build())
        .create();

    RUNTIME.runtime().apply(clusterFile());
    RUNTIME.awaitReady(CLUSTER, 3);

    Map<String, String> tls = entries(secret(CLUSTER + "-tls"));
    assertThat(tls.get("ca.crt")).isEqualTo(pem(ca));
    for (int i = 0; i < 3; i++) {
      X509Certificate leaf = firstCertificate(tls.get(CLUSTER + "-node-" + i + ".pem"));
      leaf.verify(ca.getPublicKey());
      assertThat(leaf.getSubjectX500Principal().getName())
          .isEqualTo("CN=" + CLUSTER + "-node-" + i);
    }
    assertThat(entries(secret(CLUSTER + "-ca")).get("ca.crt")).isEqualTo(pem(ca));
    assertThat(entries(secret("corp-ca")))
        .as("the user's Secret is untouched")
        .containsOnlyKeys("tls.crt", "tls.key");
  }

  /** examples/combined.yaml, renamed, with the user's CA. */
  private static Path clusterFile() throws IOException {
    String yaml =
        Files.readString(LocalRuntimeExtension.HOME.resolve("examples/combined.yaml"))
                .replace("name: orders", "name: " + CLUSTER)
            + "  security:\n    certificateAuthority:\n      secretName: corp-ca\n";
    Path file = LocalRuntimeExtension.E2E_DIR.resolve("provided-ca-cluster.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  private static X509Certificate selfSignedCa(KeyPair keys) throws Exception {
    X500Name name = new X500Name("O=corp,CN=corp CA");
    Instant now = Instant.now();
    return new JcaX509CertificateConverter()
        .getCertificate(
            new JcaX509v3CertificateBuilder(
                    name,
                    BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(30))),
                    name,
                    keys.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                .addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
  }

  private static String pem(Object object) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    }
    return out.toString();
  }

  private static Map<String, String> base64(Map<String, String> entries) {
    Map<String, String> data = new TreeMap<>();
    entries.forEach(
        (k, v) ->
            data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return data;
  }

  private static Secret secret(String name) {
    return RUNTIME.client().secrets().inNamespace("default").withName(name).get();
  }

  private static Map<String, String> entries(Secret secret) {
    Map<String, String> entries = new TreeMap<>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                entries.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return entries;
  }

  private static X509Certificate firstCertificate(String pem) throws Exception {
    int begin = pem.indexOf("-----BEGIN CERTIFICATE-----");
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(
                new ByteArrayInputStream(pem.substring(begin).getBytes(StandardCharsets.US_ASCII)));
  }
}
