package io.quorumkeeper.operator.security;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;

/**
 * A CA the user provides instead of the operator's own: read from a Secret the user made, or from
 * the Secret cert-manager issued. Either key pair is accepted: {@code ca.crt} and {@code ca.key},
 * or cert-manager's {@code tls.crt} and {@code tls.key} (whose {@code ca.crt} is the issuer's
 * certificate, without a key).
 */
public final class ProvidedCa {

  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";

  /** keyUsage's keyCertSign bit (RFC 5280, 4.2.1.3). */
  private static final int KEY_CERT_SIGN = 5;

  private ProvidedCa() {}

  /**
   * The CA held by a Secret's entries: a CA certificate (basicConstraints CA and, if it has a
   * keyUsage, keyCertSign) valid at {@code now}, and the private key that belongs to it.
   *
   * @throws Pem.InvalidPemException what is wrong, readable, never quoting the key
   */
  public static ClusterCa load(Map<String, String> entries, Instant now)
      throws Pem.InvalidPemException {
    String certKey;
    String keyKey;
    if (entries.containsKey(CA_KEY)) {
      certKey = CA_CERT;
      keyKey = CA_KEY;
    } else if (entries.containsKey(TLS_KEY)) {
      certKey = TLS_CERT;
      keyKey = TLS_KEY;
    } else {
      throw new Pem.InvalidPemException("it has neither ca.crt and ca.key nor tls.crt and tls.key");
    }
    String certificatePem = entries.get(certKey);
    X509Certificate certificate;
    try {
      certificate = Pem.firstCertificate(certificatePem);
    } catch (Pem.InvalidPemException e) {
      throw new Pem.InvalidPemException(certKey + ": " + e.getMessage());
    }
    if (certificate.getBasicConstraints() < 0) {
      throw new Pem.InvalidPemException(
          certKey + " is not a CA certificate (basicConstraints has no CA)");
    }
    boolean[] usage = certificate.getKeyUsage();
    if (usage != null && (usage.length <= KEY_CERT_SIGN || !usage[KEY_CERT_SIGN])) {
      throw new Pem.InvalidPemException(
          certKey + " may not sign certificates (its keyUsage lacks keyCertSign)");
    }
    if (now.plus(ClusterCa.CLOCK_SKEW).isBefore(certificate.getNotBefore().toInstant())) {
      throw new Pem.InvalidPemException(
          certKey + " is not valid before " + certificate.getNotBefore().toInstant());
    }
    try {
      return ClusterCa.load(certificatePem, entries.get(keyKey), now);
    } catch (Pem.InvalidPemException e) {
      throw new Pem.InvalidPemException(certKey + "/" + keyKey + ": " + e.getMessage());
    }
  }
}
