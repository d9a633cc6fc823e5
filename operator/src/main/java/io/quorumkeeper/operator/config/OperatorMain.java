package io.quorumkeeper.operator.config;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.security.Security;

/**
 * The operator's entry point: sets how long the JVM remembers DNS answers before anything looks a
 * name up, then starts Quarkus.
 *
 * <p>The JDK's defaults remember a failed lookup for 10 s ({@code
 * networkaddress.cache.negative.ttl} in {@code java.security}, which also makes {@code
 * -Dsun.net.inetaddr.negative.ttl} ineffective) and a found address for 30 s. The operator looks up
 * controller pods' names from the moment a cluster is created, before the pods exist: with the
 * defaults, a new cluster's leader reached status up to 10 s after its election (issue 15, Create →
 * Ready), and a pod that comes back with another address would be dialled at its old one for up to
 * 30 s. Here: {@value #NEGATIVE_TTL} s and {@value #POSITIVE_TTL} s, unless the JVM is started with
 * {@code -Dsun.net.inetaddr.negative.ttl} or {@code -Dsun.net.inetaddr.ttl}, which then win.
 */
@QuarkusMain
public final class OperatorMain {

  static final String NEGATIVE_TTL = "1";
  static final String POSITIVE_TTL = "5";

  private OperatorMain() {}

  static {
    rememberDnsAnswersBriefly(); // before anything of Quarkus runs: its set-up may look names up
  }

  public static void main(String... args) {
    Quarkus.run(args);
  }

  /** Must run before the first name lookup: the JDK reads these properties once. */
  static void rememberDnsAnswersBriefly() {
    Security.setProperty(
        "networkaddress.cache.negative.ttl",
        System.getProperty("sun.net.inetaddr.negative.ttl", NEGATIVE_TTL));
    Security.setProperty(
        "networkaddress.cache.ttl", System.getProperty("sun.net.inetaddr.ttl", POSITIVE_TTL));
  }
}
