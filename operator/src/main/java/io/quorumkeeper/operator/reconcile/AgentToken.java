package io.quorumkeeper.operator.reconcile;

import java.security.SecureRandom;
import java.util.Base64;

/** A fresh bearer token for a cluster's node agents: 32 random bytes, base64url. */
final class AgentToken {

  private static final SecureRandom RANDOM = new SecureRandom();

  private AgentToken() {}

  static String generate() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
