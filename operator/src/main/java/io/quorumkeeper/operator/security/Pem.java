package io.quorumkeeper.operator.security;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM text as Kafka's {@code ssl.keystore.type=PEM} reads it: private keys as unencrypted PKCS#8
 * ({@code BEGIN PRIVATE KEY}), certificates as {@code BEGIN CERTIFICATE}.
 */
public final class Pem {

  private Pem() {}

  /** A private key as unencrypted PKCS#8 PEM. */
  public static String privateKey(PrivateKey key) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(new JcaPKCS8Generator(key, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** A certificate as PEM. */
  public static String certificate(X509Certificate certificate) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(certificate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** Every certificate in a PEM text, in order; other objects are skipped. */
  public static List<X509Certificate> certificates(String pem) throws InvalidPemException {
    List<X509Certificate> certificates = new ArrayList<>();
    for (Object object : objects(pem)) {
      if (object instanceof X509CertificateHolder holder) {
        try {
          certificates.add(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (CertificateException e) {
          throw new InvalidPemException("a certificate does not parse: " + e.getMessage());
        }
      }
    }
    return certificates;
  }

  /** The first certificate in a PEM text. */
  public static X509Certificate firstCertificate(String pem) throws InvalidPemException {
    List<X509Certificate> all = certificates(pem);
    if (all.isEmpty()) {
      throw new InvalidPemException("no certificate");
    }
    return all.get(0);
  }

  /**
   * The first unencrypted private key in a PEM text: PKCS#8 ({@code BEGIN PRIVATE KEY}), or the
   * PKCS#1 / SEC 1 forms cert-manager writes by default ({@code BEGIN RSA PRIVATE KEY}, {@code
   * BEGIN EC PRIVATE KEY}).
   */
  public static PrivateKey firstPrivateKey(String pem) throws InvalidPemException {
    for (Object object : objects(pem)) {
      PrivateKeyInfo info =
          object instanceof PEMKeyPair pair
              ? pair.getPrivateKeyInfo()
              : object instanceof PrivateKeyInfo single ? single : null;
      if (info != null) {
        try {
          return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (IOException e) {
          throw new InvalidPemException("the private key does not parse: " + e.getMessage());
        }
      }
    }
    throw new InvalidPemException(
        "no unencrypted private key (BEGIN PRIVATE KEY, BEGIN EC PRIVATE KEY or BEGIN RSA PRIVATE"
            + " KEY)");
  }

  private static List<Object> objects(String pem) throws InvalidPemException {
    if (pem == null || pem.isBlank()) {
      throw new InvalidPemException("empty");
    }
    List<Object> objects = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        objects.add(o);
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidPemException("not PEM: " + e.getMessage());
    }
    return objects;
  }

  /** PEM text that holds not what it should; the message says what is wrong, never the key. */
  public static final class InvalidPemException extends Exception {
    public InvalidPemException(String message) {
      super(message);
    }
  }
}
