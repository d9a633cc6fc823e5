package io.quorumkeeper.operator.security;

import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.security.auth.x500.X500Principal;

/**
 * Whether a certificate the operator keeps may stay: it parses, its key belongs to it, the current
 * CA signed it, subject and DNS names are the expected ones, and it does not expire too soon.
 */
final class CertificateCheck {

  private CertificateCheck() {}

  /**
   * Why the certificate in {@code certificatePem} (with its key in {@code keyPem}) must be issued
   * again, or empty if it may stay.
   *
   * @param renewAt a certificate expiring before this is renewed, unless it already lasts as long
   *     as its CA (a new one could not last longer)
   */
  static Optional<String> reissueBecause(
      String keyPem,
      String certificatePem,
      ClusterCa ca,
      String commonName,
      List<String> dnsNames,
      Instant renewAt) {
    X509Certificate certificate;
    PrivateKey key;
    try {
      certificate = Pem.firstCertificate(certificatePem);
      key = Pem.firstPrivateKey(keyPem);
    } catch (Pem.InvalidPemException e) {
      return Optional.of("unreadable: " + e.getMessage());
    }
    if (!ca.signed(certificate)) {
      return Optional.of("not signed by the cluster CA");
    }
    if (!ClusterCa.matches(key, certificate.getPublicKey())) {
      return Optional.of("its private key does not belong to it");
    }
    if (!certificate.getSubjectX500Principal().equals(new X500Principal("CN=" + commonName))) {
      return Optional.of("subject is " + certificate.getSubjectX500Principal().getName());
    }
    if (!Set.copyOf(dnsNames).equals(dnsNames(certificate))) {
      return Optional.of("its DNS names are not the pod's");
    }
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (notAfter.isBefore(renewAt) && notAfter.isBefore(ca.notAfter())) {
      return Optional.of("expires at " + notAfter);
    }
    return Optional.empty();
  }

  static Set<String> dnsNames(X509Certificate certificate) {
    Set<String> names = new HashSet<>();
    try {
      Collection<List<?>> all = certificate.getSubjectAlternativeNames();
      if (all != null) {
        for (List<?> name : all) {
          if (Integer.valueOf(2).equals(name.get(0))) { // dNSName
            names.add((String) name.get(1));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return Set.of();
    }
    return names;
  }
}
