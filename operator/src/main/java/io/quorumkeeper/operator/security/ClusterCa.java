package io.quorumkeeper.operator.security;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A cluster's own certificate authority: an EC P-256 key and a self-signed CA certificate, which
 * signs the certificates of the cluster's pods and the operator's client certificate.
 */
public final class ClusterCa {

  static final String SIGNATURE = "SHA256withECDSA";

  /** Certificates start a little in the past: a pod whose clock is behind still accepts them. */
  static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final X509Certificate certificate;
  private final PrivateKey key;

  private ClusterCa(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new CA for a cluster, valid from {@code now} for {@code validity}. */
  public static ClusterCa generate(
      String namespace, String cluster, Duration validity, Instant now) {
    KeyPair pair = newKeyPair();
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "quorum-keeper")
            .addRDN(BCStyle.OU, namespace)
            .addRDN(BCStyle.CN, cluster + " cluster CA")
            .build();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(now.plus(validity)),
                  subject,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(pair.getPublic()));
      return new ClusterCa(sign(builder, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("could not build a CA certificate", e);
    }
  }

  /**
   * The CA kept in a cluster's CA Secret: a CA certificate, still valid at {@code now}, and the
   * private key that belongs to it.
   */
  public static ClusterCa load(String certificatePem, String keyPem, Instant now)
      throws Pem.InvalidPemException {
    X509Certificate certificate = Pem.firstCertificate(certificatePem);
    PrivateKey key = Pem.firstPrivateKey(keyPem);
    if (certificate.getBasicConstraints() < 0) {
      throw new Pem.InvalidPemException("the certificate is not a CA (basicConstraints)");
    }
    if (!now.isBefore(certificate.getNotAfter().toInstant())) {
      throw new Pem.InvalidPemException(
          "the CA expired at " + certificate.getNotAfter().toInstant());
    }
    if (!matches(key, certificate.getPublicKey())) {
      throw new Pem.InvalidPemException("the private key does not belong to the CA certificate");
    }
    return new ClusterCa(certificate, key);
  }

  /** Whether both CAs have the same certificate (X.509 equality compares the encodings). */
  public boolean sameCertificate(ClusterCa other) {
    return certificate.equals(other.certificate);
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public String certificatePem() {
    return Pem.certificate(certificate);
  }

  public String keyPem() {
    return Pem.privateKey(key);
  }

  /** When the CA expires: no certificate it issues outlives it. */
  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  /**
   * A certificate with subject {@code CN=commonName} and a fresh EC P-256 key, for clients ({@code
   * clientAuth}) and, when {@code dnsNames} are given, servers too ({@code serverAuth}).
   */
  public IssuedCertificate issue(
      String commonName, List<String> dnsNames, Duration validity, Instant now) {
    KeyPair pair = newKeyPair();
    Instant notAfter = now.plus(validity);
    if (notAfter.isAfter(notAfter())) {
      notAfter = notAfter();
    }
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    try {
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(),
                  Date.from(now.minus(CLOCK_SKEW)),
                  Date.from(notAfter),
                  subject,
                  pair.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  dnsNames.isEmpty()
                      ? new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth)
                      : new ExtendedKeyUsage(
                          new KeyPurposeId[] {
                            KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                          }))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  utils.createAuthorityKeyIdentifier(certificate))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  utils.createSubjectKeyIdentifier(pair.getPublic()));
      if (!dnsNames.isEmpty()) {
        GeneralName[] names =
            dnsNames.stream()
                .map(n -> new GeneralName(GeneralName.dNSName, n))
                .toArray(GeneralName[]::new);
        builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
      }
      return new IssuedCertificate(sign(builder, key), pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("could not build a certificate for " + commonName, e);
    }
  }

  /** Whether this CA signed {@code leaf}. */
  public boolean signed(X509Certificate leaf) {
    try {
      return Checked.once(
          "signed",
          leaf.getEncoded(),
          certificate.getEncoded(),
          () -> {
            try {
              leaf.verify(certificate.getPublicKey());
              return leaf.getIssuerX500Principal().equals(certificate.getSubjectX500Principal());
            } catch (GeneralSecurityException e) {
              return false;
            }
          });
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Whether {@code key} is the private half of {@code publicKey}: it signs what that verifies.
   * Checked once per pair (the answer cannot change): every pass looks at every certificate.
   */
  static boolean matches(PrivateKey key, PublicKey publicKey) {
    return Checked.once(
        "matches", key.getEncoded(), publicKey.getEncoded(), () -> signsFor(key, publicKey));
  }

  private static boolean signsFor(PrivateKey key, PublicKey publicKey) {
    byte[] probe = "quorum-keeper key check".getBytes(StandardCharsets.US_ASCII);
    try {
      Signature signer = Signature.getInstance(signatureFor(key));
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(signatureFor(key));
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** A CA the user brings may have an RSA key; the operator's own keys are EC P-256. */
  static String signatureFor(PrivateKey key) {
    return "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : SIGNATURE;
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(new JcaContentSignerBuilder(signatureFor(signer)).build(signer)));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JVM has EC P-256", e);
    }
  }

  /** A positive random serial of 159 bits, as RFC 5280 allows at most 20 octets. */
  private static BigInteger serial() {
    return new BigInteger(159, RANDOM).add(BigInteger.ONE);
  }
}
