package io.quorumkeeper.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.node.LaunchException;
import io.quorumkeeper.node.tls.InMemoryHandshake;
import io.quorumkeeper.node.tls.TestCa;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's server context read from the pod's key + chain PEM: what the operator writes serves a
 * handshake that a peer trusting only the cluster CA verifies for the pod's name, and material that
 * cannot serve stops the node with a message naming the file (exit 2), not a stack trace.
 * Handshakes over sockets, with HTTP on top, are {@link AgentHttpsTest}'s.
 */
class AgentTlsTest {

  private static final String POD = "orders-node-0";
  private static final String HOST = "orders-node-0.orders-node.default.svc";
  private static final String CA_FILE = "ca.crt";

  @TempDir Path dir;

  private final TestCa ca = TestCa.create("orders-ca");

  @Test
  void theKeyAndChainTheOperatorWritesServeAPeerThatTrustsTheClusterCaForThePodsName()
      throws Exception {
    ca.writeTlsDir(dir, POD, HOST);

    X509Certificate served =
        InMemoryHandshake.handshake(
            AgentTls.server(dir.resolve(POD + ".pem")),
            AgentTls.clientTrusting(dir.resolve(CA_FILE)),
            HOST);

    assertThat(served.getSubjectX500Principal().getName()).isEqualTo("CN=" + POD);
  }

  @Test
  void givenAnotherNameOrAnotherCa_thenThePeerRefusesTheAgent() {
    ca.writeTlsDir(dir, POD, HOST);
    SSLContext agent = AgentTls.server(dir.resolve(POD + ".pem"));

    assertThatThrownBy(
            () ->
                InMemoryHandshake.handshake(
                    agent,
                    AgentTls.clientTrusting(dir.resolve(CA_FILE)),
                    "orders-node-1.orders-node.default.svc"))
        .isInstanceOf(SSLException.class);
    assertThatThrownBy(
            () ->
                InMemoryHandshake.handshake(
                    agent, TestCa.create("another-ca").trustingOnlyThisCa(), HOST))
        .isInstanceOf(SSLException.class);
  }

  @Test
  void aFileWithOnlyCertificatesIsRefused() throws IOException {
    Path pem = write(ca.caPem());

    assertRefused(pem, "no unencrypted private key");
  }

  @Test
  void aKeyWithoutItsCertificateIsRefused() throws IOException {
    String keyAndChain = ca.keyAndChainPem(POD, "127.0.0.1");
    Path pem = write(keyAndChain.substring(0, keyAndChain.indexOf("-----BEGIN CERTIFICATE")));

    assertRefused(pem, "no certificate after the key");
  }

  @Test
  void aKeyBlockThatIsNotBase64IsRefused() throws IOException {
    Path pem =
        write("-----BEGIN PRIVATE KEY-----\nAAAAA\n-----END PRIVATE KEY-----\n" + ca.caPem());

    assertRefused(pem, "not base64");
  }

  @Test
  void aKeyBlockThatIsNoKeyIsRefused() throws IOException {
    Path pem = write("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" + ca.caPem());

    assertRefused(pem, "not an EC PKCS#8 key");
  }

  @Test
  void aMissingFileIsRefused() {
    assertRefused(dir.resolve("absent.pem"), "absent.pem");
  }

  private Path write(String content) throws IOException {
    Path pem = dir.resolve(POD + ".pem");
    Files.writeString(pem, content, StandardCharsets.US_ASCII);
    return pem;
  }

  private static void assertRefused(Path pem, String because) {
    assertThatThrownBy(() -> AgentTls.server(pem))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("agent cannot use " + pem)
        .hasMessageContaining(because)
        .satisfies(e -> assertThat(((LaunchException) e).exitCode()).isEqualTo(2));
  }
}
