package io.quorumkeeper.node.agent;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.quorumkeeper.node.LaunchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The agent's TLS material, from the cluster's TLS Secret as the pod mounts it: {@code <pod>.pem}
 * holds the pod's PKCS#8 key followed by its certificate chain (Kafka's {@code
 * ssl.keystore.type=PEM} file), {@code ca.crt} the cluster CA. Netty's PEM reader picks the key
 * block out of the file and the certificate blocks out of the same file, so one file serves as
 * both.
 */
public final class AgentTls {

  private AgentTls() {}

  /** The server context for the agent port; unreadable material stops the node (exit 2). */
  public static SslContext server(Path keyAndChainPem) {
    try {
      return SslContextBuilder.forServer(keyAndChainPem.toFile(), keyAndChainPem.toFile()).build();
    } catch (IOException | RuntimeException e) {
      throw LaunchException.badInput(
          "agent cannot use "
              + keyAndChainPem
              + " as its TLS key and certificate (PKCS#8 key then certificates, PEM): "
              + e.getMessage());
    }
  }

  /** A client context that trusts only the certificates of {@code caPem} (peers' agents). */
  public static SSLContext clientTrusting(Path caPem) {
    try (InputStream in = Files.newInputStream(caPem)) {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("ca-" + i++, ca);
      }
      if (i == 0) {
        throw new GeneralSecurityException("no certificate in it");
      }
      TrustManagerFactory trustManagers =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw LaunchException.badInput("cannot read the cluster CA " + caPem + ": " + e.getMessage());
    }
  }
}
