package io.quorumkeeper.operator.security;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the Secret of a client listener's user holds (docs/security.md, "Client listeners"): for
 * SCRAM a random password, generated once and kept, and the client's JAAS line; for certificate
 * authentication a key and a certificate with {@code CN=<user>} from the cluster CA, kept while
 * valid. Both carry the CA certificate to trust the brokers with.
 */
public final class UserCredentials {

  public static final String USERNAME = "username";
  public static final String PASSWORD = "password";
  public static final String JAAS = "sasl.jaas.config";
  public static final String USER_KEY = "user.key";
  public static final String USER_CERT = "user.crt";
  public static final String CA_CERT = "ca.crt";

  /** 32 random bytes: 256 bits, far beyond guessing. */
  static final int PASSWORD_BYTES = 32;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final TlsSettings settings;

  public UserCredentials(TlsSettings settings) {
    this.settings = settings;
  }

  /** A SCRAM user's entries: the password in {@code current} kept, or a new one. */
  public Map<String, String> scram(String user, String caPem, Map<String, String> current) {
    String password = current.get(PASSWORD);
    if (password == null || password.isBlank()) {
      byte[] bytes = new byte[PASSWORD_BYTES];
      RANDOM.nextBytes(bytes);
      password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
    Map<String, String> entries = new TreeMap<>();
    entries.put(USERNAME, user);
    entries.put(PASSWORD, password);
    entries.put(JAAS, jaas(user, password));
    entries.put(CA_CERT, caPem);
    return entries;
  }

  /**
   * A certificate user's entries: the key and certificate in {@code current} kept while the CA
   * signed them for this user and they do not expire within the renewal window, else new ones.
   *
   * @param issued receives why a certificate was issued, if it was
   */
  public Map<String, String> certificate(
      String user,
      ClusterCa ca,
      String caPem,
      Map<String, String> current,
      Instant now,
      List<String> issued) {
    String key = current.getOrDefault(USER_KEY, "");
    String certificate = current.getOrDefault(USER_CERT, "");
    Optional<String> why =
        CertificateCheck.reissueBecause(
            key, certificate, ca, user, List.of(), now.plus(settings.renewBefore()));
    if (why.isPresent()) {
      IssuedCertificate fresh = ca.issue(user, List.of(), settings.certificateValidity(), now);
      key = fresh.keyPem();
      certificate = fresh.certificatePem();
      issued.add(user + " (" + why.get() + ")");
    }
    Map<String, String> entries = new TreeMap<>();
    entries.put(USERNAME, user);
    entries.put(USER_KEY, key);
    entries.put(USER_CERT, certificate);
    entries.put(CA_CERT, caPem);
    return entries;
  }

  /** The {@code sasl.jaas.config} of a client that logs in as {@code user}. */
  public static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }
}
