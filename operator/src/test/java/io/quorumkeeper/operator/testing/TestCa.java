package io.quorumkeeper.operator.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Certificate authorities as users and cert-manager make them, for tests: a root, a CA it signs
 * (what cert-manager issues for an isCA Certificate), and the broken ones a user might bring.
 */
public record TestCa(X509Certificate certificate, KeyPair keys) {

  /** What to build. */
  public record Spec(
      String subject, boolean ca, Integer keyUsage, Instant notBefore, Instant notAfter) {

    public static Spec ca(String subject) {
      Instant now = Instant.now();
      return new Spec(
          subject,
          true,
          KeyUsage.keyCertSign | KeyUsage.cRLSign,
          now.minus(Duration.ofHours(1)),
          now.plus(Duration.ofDays(365)));
    }

    public Spec notCa() {
      return new Spec(subject, false, KeyUsage.digitalSignature, notBefore, notAfter);
    }

    public Spec withKeyUsage(Integer usage) {
      return new Spec(subject, ca, usage, notBefore, notAfter);
    }

    public Spec valid(Instant from, Instant until) {
      return new Spec(subject, ca, keyUsage, from, until);
    }
  }

  /** A self-signed CA with an EC P-256 key. */
  public static TestCa root(String subject) {
    return build(Spec.ca(subject), ec(), null);
  }

  /** A self-signed certificate of that spec and key algorithm ("EC" or "RSA"). */
  public static TestCa selfSigned(Spec spec, String algorithm) {
    return build(spec, "RSA".equals(algorithm) ? rsa() : ec(), null);
  }

  /** A CA with a fresh EC P-256 key, signed by this one, as cert-manager issues it. */
  public TestCa sign(Spec spec) {
    return build(spec, ec(), this);
  }

  public String certificatePem() {
    return pem(certificate);
  }

  /** The key as PKCS#8 ({@code BEGIN PRIVATE KEY}). */
  public String pkcs8KeyPem() {
    return io.quorumkeeper.operator.security.Pem.privateKey(keys.getPrivate());
  }

  /**
   * The key in OpenSSL's traditional form, as cert-manager writes it by default: {@code BEGIN RSA
   * PRIVATE KEY}, or {@code BEGIN EC PRIVATE KEY} (SEC 1, with the curve and the public key, as
   * OpenSSL writes it; the JDK's encoding leaves the curve out of the inner structure).
   */
  public String traditionalKeyPem() {
    if (!"EC".equals(keys.getPrivate().getAlgorithm())) {
      return pem(keys.getPrivate());
    }
    try {
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
      ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
      ECPrivateKey sec1 =
          new ECPrivateKey(
              256,
              inner.getKey(),
              SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData(),
              info.getPrivateKeyAlgorithm().getParameters());
      return pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TestCa build(Spec spec, KeyPair keys, TestCa issuer) {
    X500Name subject = new X500Name("CN=" + spec.subject());
    X500Name issuerName =
        issuer == null
            ? subject
            : X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
    PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.keys().getPrivate();
    try {
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  issuerName,
                  BigInteger.valueOf(System.nanoTime()),
                  Date.from(spec.notBefore()),
                  Date.from(spec.notAfter()),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(spec.ca()));
      if (spec.keyUsage() != null) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(spec.keyUsage()));
      }
      String algorithm = "RSA".equals(signer.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
      X509Certificate certificate =
          new JcaX509CertificateConverter()
              .getCertificate(builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
      return new TestCa(certificate, keys);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ec() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair rsa() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object object) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(object);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
