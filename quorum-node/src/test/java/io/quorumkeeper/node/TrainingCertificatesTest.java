package io.quorumkeeper.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.node.agent.AgentTls;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingCertificatesTest {

  private static final Pattern BLOCK =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----\\n([A-Za-z0-9+/=\\n]+?)\\n-----END \\1-----");

  @TempDir Path dir;

  @Test
  void issuesTheLayoutOfAClusterTlsSecretSignedByItsOwnCa() throws Exception {
    Path tls = TrainingCertificates.issue(dir.resolve("tls"), "training-node-0");

    assertThat(tls.toFile().list()).containsExactlyInAnyOrder("ca.crt", "training-node-0.pem");
    List<String[]> blocks = blocks(Files.readString(tls.resolve("training-node-0.pem")));
    assertThat(blocks)
        .extracting(b -> b[0])
        .containsExactly("PRIVATE KEY", "CERTIFICATE", "CERTIFICATE");
    X509Certificate ca = certificate(Files.readString(tls.resolve("ca.crt")));
    X509Certificate node = certificate(blocks.get(1)[1]);
    node.verify(ca.getPublicKey());
    assertThat(node.getSubjectX500Principal().getName()).isEqualTo("CN=training-node-0");
    assertThat(node.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
        .contains("127.0.0.1", "localhost");
    assertThat(node.getExtendedKeyUsage())
        .containsExactlyInAnyOrder("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(ca.getBasicConstraints()).isNotNegative();

    // the key is the certificate's: what it signs, the certificate's public key verifies
    var key =
        KeyFactory.getInstance("EC")
            .generatePrivate(new PKCS8EncodedKeySpec(decode(blocks.get(0)[1])));
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(key);
    signer.update("training".getBytes(StandardCharsets.US_ASCII));
    byte[] signature = signer.sign();
    Signature verifier = Signature.getInstance("SHA256withECDSA");
    verifier.initVerify(node.getPublicKey());
    verifier.update("training".getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(signature)).isTrue();

    // and the agent's own readers take both files
    assertThat(AgentTls.server(tls.resolve("training-node-0.pem"))).isNotNull();
    assertThat(AgentTls.clientTrusting(tls.resolve("ca.crt"))).isNotNull();
  }

  private static List<String[]> blocks(String pem) {
    Matcher m = BLOCK.matcher(pem);
    List<String[]> found = new java.util.ArrayList<>();
    while (m.find()) {
      found.add(new String[] {m.group(1), m.group(0)});
    }
    return found;
  }

  private static X509Certificate certificate(String pem) throws Exception {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
  }

  private static byte[] decode(String block) {
    String body = block.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    return Base64.getDecoder().decode(body);
  }
}
