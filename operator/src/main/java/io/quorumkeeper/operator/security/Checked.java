package io.quorumkeeper.operator.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Answers of signature checks, kept by a digest of what was checked. A check of the same bytes has
 * the same answer forever, and every pass checks every certificate of its cluster: before this
 * cache those checks were three quarters of an idle pass's CPU (a sign and two verifies per
 * certificate, `ScaleBenchmark`). Bounded (least recently used out), and holds digests only, never
 * key material.
 */
final class Checked {

  /** About eight certificates of a thousand clusters. */
  static final int CAPACITY = 8192;

  private static final Map<String, Boolean> ANSWERS =
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > CAPACITY;
        }
      };

  private Checked() {}

  /** The answer of {@code check} on {@code first} and {@code second}, computed once. */
  static boolean once(String what, byte[] first, byte[] second, BooleanSupplier check) {
    String key = digest(what, first, second);
    synchronized (ANSWERS) {
      Boolean known = ANSWERS.get(key);
      if (known != null) {
        return known;
      }
    }
    boolean answer = check.getAsBoolean(); // outside the lock: two threads may both compute it
    synchronized (ANSWERS) {
      ANSWERS.put(key, answer);
    }
    return answer;
  }

  private static String digest(String what, byte[] first, byte[] second) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(what.getBytes(StandardCharsets.US_ASCII));
      sha.update(lengthOf(first));
      sha.update(first);
      sha.update(second);
      return Base64.getEncoder().encodeToString(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static byte[] lengthOf(byte[] bytes) {
    int n = bytes.length;
    return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }
}
