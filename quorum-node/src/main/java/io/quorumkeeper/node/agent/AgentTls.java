package io.quorumkeeper.node.agent;

import io.quorumkeeper.node.LaunchException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The agent's TLS material, from the cluster's TLS Secret as the pod mounts it: {@code <pod>.pem}
 * holds the pod's PKCS#8 key followed by its certificate chain (Kafka's {@code
 * ssl.keystore.type=PEM} file), {@code ca.crt} the cluster CA.
 *
 * <p>Both contexts are the JDK's own: the server one reaches Netty as an {@link
 * javax.net.ssl.SSLEngine} per connection. Netty's {@code SslContextBuilder} read the same file,
 * but at a node's start it cost about 0.35 s against 0.1 s for this (one fresh JVM with the class
 * archive, idle machine): it probes for OpenSSL and lists the JDK's cipher suites first. Every
 * controller waits for all its peers' agents before it decides on its disk, so that time was on a
 * cluster's creation path (issue 15, docs/quorum-node.md).
 */
public final class AgentTls {

  private AgentTls() {}

  private static final String KEY_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String KEY_END = "-----END PRIVATE KEY-----";
  private static final String CERTIFICATE_BEGIN = "-----BEGIN CERTIFICATE-----";

  /** The server context for the agent port; unreadable material stops the node (exit 2). */
  public static SSLContext server(Path keyAndChainPem) {
    try {
      String pem = Files.readString(keyAndChainPem, StandardCharsets.US_ASCII);
      PrivateKey key = privateKey(pem);
      int chainAt = pem.indexOf(CERTIFICATE_BEGIN);
      if (chainAt < 0) {
        throw new GeneralSecurityException("no certificate after the key");
      }
      Certificate[] chain =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(
                      pem.substring(chainAt).getBytes(StandardCharsets.US_ASCII)))
              .toArray(new Certificate[0]);
      if (chain.length == 0) {
        throw new GeneralSecurityException("no certificate after the key");
      }
      char[] password = "in-memory".toCharArray(); // this store is never written anywhere
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("agent", key, password, chain);
      KeyManagerFactory keyManagers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keyManagers.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw LaunchException.badInput(
          "agent cannot use "
              + keyAndChainPem
              + " as its TLS key and certificate (PKCS#8 key then certificates, PEM): "
              + e.getMessage());
    }
  }

  /** The unencrypted PKCS#8 EC key block (the operator issues every node an EC P-256 key). */
  private static PrivateKey privateKey(String pem) throws GeneralSecurityException {
    int begin = pem.indexOf(KEY_BEGIN);
    int end = pem.indexOf(KEY_END);
    if (begin < 0 || end < begin) {
      throw new GeneralSecurityException("no unencrypted private key (BEGIN PRIVATE KEY)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(begin + KEY_BEGIN.length(), end));
    } catch (IllegalArgumentException e) {
      throw new GeneralSecurityException("the private key is not base64: " + e.getMessage());
    }
    try {
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (InvalidKeySpecException e) {
      throw new GeneralSecurityException("the private key is not an EC PKCS#8 key", e);
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
