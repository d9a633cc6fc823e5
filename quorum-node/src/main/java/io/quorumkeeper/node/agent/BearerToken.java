package io.quorumkeeper.node.agent;

import io.quorumkeeper.node.LaunchException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The agent's shared secret (the cluster Secret's {@code agent-token}) and the constant-time check
 * of an {@code Authorization: Bearer <token>} header against it.
 */
public final class BearerToken {

  private static final String SCHEME = "bearer ";

  private final byte[] expected;

  public BearerToken(String token) {
    if (token == null || token.isBlank()) {
      throw LaunchException.badInput("the agent token is empty");
    }
    this.expected = token.strip().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Reads the token file (surrounding whitespace, such as a trailing newline, is not part of the
   * token).
   */
  public static BearerToken fromFile(Path file) {
    try {
      String token = Files.readString(file, StandardCharsets.UTF_8);
      if (token.isBlank()) {
        throw LaunchException.badInput("agent token file " + file + " is empty");
      }
      return new BearerToken(token);
    } catch (IOException e) {
      throw LaunchException.badInput("cannot read the agent token file " + file + ": " + e);
    }
  }

  /**
   * True when the header is {@code Bearer <the token>}; the comparison time does not depend on the
   * header.
   */
  public boolean accepts(String authorizationHeader) {
    if (authorizationHeader == null
        || authorizationHeader.length() < SCHEME.length()
        || !authorizationHeader.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      return false;
    }
    byte[] given =
        authorizationHeader.substring(SCHEME.length()).strip().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(expected, given);
  }
}
