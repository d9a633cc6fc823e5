package io.quorumkeeper.operator.config;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.security.Security;

/**
 * The operator's entry point: sets how long the JVM remembers DNS answers before anything looks a
 * name up, and how the JVM protects the keys of the PKCS12 stores it makes, then starts Quarkus.
 *
 * <p>The JDK's defaults remember a failed lookup for 10 s ({@code
 * networkaddress.cache.negative.ttl} in {@code java.security}, which also makes {@code
 * -Dsun.net.inetaddr.negative.ttl} ineffective) and a found address for 30 s. The operator looks up
 * controller pods' names from the moment a cluster is created, before the pods exist: with the
 * defaults, a new cluster's leader reached status up to 10 s after its election (issue 15, Create →
 * Ready), and a pod that comes back with another address would be dialled at its old one for up to
 * 30 s. Here: {@value #NEGATIVE_TTL} s and {@value #POSITIVE_TTL} s, unless the JVM is started with
 * {@code -Dsun.net.inetaddr.negative.ttl} or {@code -Dsun.net.inetaddr.ttl}, which then win.
 *
 * <p>Every Kafka Admin client of a TLS cluster (two per cluster: the operator's own on the
 * controllers, and the one that grants clients through the brokers) turns the operator's PEM key
 * into a PKCS12 key store in memory, which the JDK protects with 10,000 PBKDF2 iterations and reads
 * back at once: in a profile of a cluster's creation that was a fifth of the operator's CPU (issue
 * 15). The operator writes no PKCS12 file (its keys and certificates live in Secrets as PEM, in the
 * clear), so its stores get one iteration, as the nodes' do (docs/quorum-node.md, "Key stores in
 * memory"), unless {@code -Dkeystore.pkcs12.keyPbeIterationCount} is given.
 */
@QuarkusMain
public final class OperatorMain {

  static final String NEGATIVE_TTL = "1";
  static final String POSITIVE_TTL = "5";

  static final String KEY_ITERATIONS = "keystore.pkcs12.keyPbeIterationCount";

  private OperatorMain() {}

  static {
    rememberDnsAnswersBriefly(); // before anything of Quarkus runs: its set-up may look names up
    protectInMemoryKeysWithOneIteration();
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

  /** The JDK reads the count each time a store protects a key: before the first Admin client. */
  static void protectInMemoryKeysWithOneIteration() {
    if (System.getProperty(KEY_ITERATIONS) == null) {
      System.setProperty(KEY_ITERATIONS, "1");
    }
  }
}
