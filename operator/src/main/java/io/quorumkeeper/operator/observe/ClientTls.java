package io.quorumkeeper.operator.observe;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.HexFormat;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The operator's TLS identity towards one cluster: the cluster CA it trusts and the client
 * certificate (signed by that CA) it presents, all PEM, as the cluster's {@code <cluster>-ca}
 * Secret holds them (docs/security.md).
 */
public record ClientTls(String caPem, String certificatePem, String keyPem) {

  public ClientTls {
    if (blank(caPem) || blank(certificatePem) || blank(keyPem)) {
      throw new IllegalArgumentException("CA, certificate and key are all required");
    }
  }

  /** Kafka client settings: mutual TLS with inline PEM, hostnames verified (Kafka's default). */
  public Map<String, Object> kafkaProperties() {
    return Map.of(
        CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
        "SSL",
        SslConfigs.SSL_KEYSTORE_TYPE_CONFIG,
        "PEM",
        SslConfigs.SSL_KEYSTORE_KEY_CONFIG,
        keyPem,
        SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG,
        certificatePem,
        SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG,
        "PEM",
        SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG,
        caPem);
  }

  /** A key store holding this cluster's CA certificates as trusted entries. */
  public KeyStore trustStore() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate ca :
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(caPem.getBytes(StandardCharsets.US_ASCII)))) {
        trust.setCertificateEntry("ca-" + i++, ca);
      }
      if (i == 0) {
        throw new IllegalArgumentException("the cluster CA holds no certificate");
      }
      return trust;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("the cluster CA is not a PEM certificate: " + e, e);
    }
  }

  /** Changes whenever any of the three does: a connection made with other material is replaced. */
  public String fingerprint() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {caPem, certificatePem, keyPem}) {
        sha.update(part.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "ClientTls[" + fingerprint() + "]"; // never the key
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
