package io.quorumkeeper.node.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway cluster CA for tests, issuing certificates as the TLS contract describes them: EC
 * P-256, SHA256withECDSA, subject {@code CN=<name>}, serverAuth + clientAuth, and a {@code
 * <name>.pem} of PKCS#8 key, certificate and CA certificate.
 */
public final class TestCa {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final KeyPair keys;
  private final X509Certificate certificate;

  private TestCa(KeyPair keys, X509Certificate certificate) {
    this.keys = keys;
    this.certificate = certificate;
  }

  public static TestCa create(String name) {
    KeyPair keys = ecKeys();
    X500Name subject = new X500Name("CN=" + name);
    X509v3CertificateBuilder builder = builder(subject, subject, keys);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      builder.addExtension(
          Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new TestCa(keys, sign(builder, keys));
  }

  /** {@code ca.crt}'s content. */
  public String caPem() {
    return pem("CERTIFICATE", encoded(certificate));
  }

  /**
   * Key, certificate and CA certificate of {@code CN=<commonName>} with the given DNS names or IP
   * literals as subject alternative names.
   */
  public String keyAndChainPem(String commonName, String... altNames) {
    KeyStore.PrivateKeyEntry issued = issue(commonName, altNames);
    return pem("PRIVATE KEY", issued.getPrivateKey().getEncoded())
        + pem("CERTIFICATE", encoded((X509Certificate) issued.getCertificate()))
        + caPem();
  }

  /** The key and the chain (certificate, CA certificate) of {@link #keyAndChainPem}. */
  public KeyStore.PrivateKeyEntry issue(String commonName, String... altNames) {
    KeyPair node = ecKeys();
    X509v3CertificateBuilder builder = builder(issuer(), subject(commonName), node);
    GeneralName[] names =
        Arrays.stream(altNames)
            .map(n -> new GeneralName(isIp(n) ? GeneralName.iPAddress : GeneralName.dNSName, n))
            .toArray(GeneralName[]::new);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage,
          false,
          new ExtendedKeyUsage(
              new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new KeyStore.PrivateKeyEntry(
        node.getPrivate(), new X509Certificate[] {sign(builder, keys), certificate});
  }

  /**
   * Writes {@code ca.crt} and {@code <pod>.pem} into {@code dir}, as the mounted Secret has them.
   */
  public Path writeTlsDir(Path dir, String pod, String... altNames) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("ca.crt"), caPem(), StandardCharsets.US_ASCII);
      Files.writeString(
          dir.resolve(pod + ".pem"), keyAndChainPem(pod, altNames), StandardCharsets.US_ASCII);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client context that trusts this CA and nothing else. */
  public SSLContext trustingOnlyThisCa() {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", certificate);
      TrustManagerFactory factory =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private X500Name issuer() {
    return new X500Name(certificate.getSubjectX500Principal().getName());
  }

  private static X500Name subject(String commonName) {
    return new X500Name("CN=" + commonName);
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofMinutes(5))),
        Date.from(now.plus(Duration.ofDays(2))),
        subject,
        keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair issuerKeys) {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
    } catch (OperatorCreationException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKeys() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static boolean isIp(String name) {
    return name.matches("[0-9.]+") || name.contains(":");
  }

  private static byte[] encoded(X509Certificate cert) {
    try {
      return cert.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
