package io.quorumkeeper.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.Security;
import org.junit.jupiter.api.Test;

/**
 * The operator's DNS cache policy, as its main sets it before Quarkus starts (what the policy does
 * to lookups, in a JVM of its own, is quorum-node's DnsCachingTest: the launcher sets the same).
 */
class OperatorMainTest {

  @Test
  void aFailedLookupIsRememberedOneSecondAndAnAddressFive() {
    String negative = Security.getProperty("networkaddress.cache.negative.ttl");
    String positive = Security.getProperty("networkaddress.cache.ttl");
    try {
      OperatorMain.rememberDnsAnswersBriefly();
      assertThat(Security.getProperty("networkaddress.cache.negative.ttl"))
          .isEqualTo(System.getProperty("sun.net.inetaddr.negative.ttl", "1"));
      assertThat(Security.getProperty("networkaddress.cache.ttl"))
          .isEqualTo(System.getProperty("sun.net.inetaddr.ttl", "5"));
    } finally {
      Security.setProperty("networkaddress.cache.negative.ttl", negative == null ? "10" : negative);
      if (positive != null) {
        Security.setProperty("networkaddress.cache.ttl", positive);
      }
    }
  }

  /**
   * What the count does to a store, read from the store's own encoding, is quorum-node's
   * InMemoryKeyStoresTest: the launcher sets the same.
   */
  @Test
  void inMemoryKeysGetOnePbkdf2Iteration_unlessTheCommandLineSaysOtherwise() {
    String before = System.getProperty(OperatorMain.KEY_ITERATIONS);
    try {
      System.clearProperty(OperatorMain.KEY_ITERATIONS);
      OperatorMain.protectInMemoryKeysWithOneIteration();
      assertThat(System.getProperty(OperatorMain.KEY_ITERATIONS)).isEqualTo("1");

      System.setProperty(OperatorMain.KEY_ITERATIONS, "2048");
      OperatorMain.protectInMemoryKeysWithOneIteration();
      assertThat(System.getProperty(OperatorMain.KEY_ITERATIONS)).isEqualTo("2048");
    } finally {
      if (before == null) {
        System.clearProperty(OperatorMain.KEY_ITERATIONS);
      } else {
        System.setProperty(OperatorMain.KEY_ITERATIONS, before);
      }
    }
  }
}
