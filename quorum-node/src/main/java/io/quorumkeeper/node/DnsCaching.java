package io.quorumkeeper.node;

import java.security.Security;

/**
 * How long the node's JVM remembers DNS answers: a failed lookup {@value #NEGATIVE_TTL} s and a
 * found address {@value #POSITIVE_TTL} s, instead of the JDK's 10 s and 30 s. Controllers look
 * their peers up from their first second, often before the peers' pods have an address; with the
 * defaults a peer that appeared a moment later stayed unknown for 10 s, and a pod that came back
 * with another address was dialled at its old one for 30 s.
 *
 * <p>The JDK reads the policy once, at the first lookup, so it must be set before anything looks a
 * name up: the {@link Launcher} does it before its logger is set up. {@code
 * -Dsun.net.inetaddr.negative.ttl} and {@code -Dsun.net.inetaddr.ttl} win when given (the JDK's own
 * {@code java.security} sets {@code networkaddress.cache.negative.ttl=10}, which would otherwise
 * make the first ineffective).
 */
final class DnsCaching {

  static final String NEGATIVE_TTL = "1";
  static final String POSITIVE_TTL = "5";

  private DnsCaching() {}

  static void rememberAnswersBriefly() {
    Security.setProperty(
        "networkaddress.cache.negative.ttl",
        System.getProperty("sun.net.inetaddr.negative.ttl", NEGATIVE_TTL));
    Security.setProperty(
        "networkaddress.cache.ttl", System.getProperty("sun.net.inetaddr.ttl", POSITIVE_TTL));
  }
}
