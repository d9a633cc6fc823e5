package io.quorumkeeper.node;

/**
 * How the node's JVM protects the keys of the PKCS12 key stores it makes: with one PBKDF2 iteration
 * instead of the JDK's 10,000. Kafka turns the PEM key of every TLS listener and every TLS client
 * it runs (the controller and broker listeners, the Raft and broker-to-controller channels) into a
 * key store in memory, and the agent does the same for its HTTPS port: each is encrypted and then
 * decrypted again at once, under a password that sits beside it. With the JDK's count that was a
 * second of CPU per node before Kafka listened with TLS (issue 15, docs/quorum-node.md); the key
 * itself is in the pod's Secret unencrypted, and these stores are never written anywhere.
 *
 * <p>{@code -Dkeystore.pkcs12.keyPbeIterationCount} wins when given. The JDK reads it each time a
 * store protects a key, so setting it before Kafka starts is enough.
 */
final class InMemoryKeyStores {

  static final String KEY_COUNT = "keystore.pkcs12.keyPbeIterationCount";

  private InMemoryKeyStores() {}

  static void protectWithOneIteration() {
    if (System.getProperty(KEY_COUNT) == null) {
      System.setProperty(KEY_COUNT, "1");
    }
  }
}
