package io.quorumkeeper.operator.security;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/** A certificate the cluster CA issued, with its private key. */
public record IssuedCertificate(X509Certificate certificate, PrivateKey key) {

  public String certificatePem() {
    return Pem.certificate(certificate);
  }

  public String keyPem() {
    return Pem.privateKey(key);
  }
}
