package io.quorumkeeper.operator.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Signature checks are answered once per checked pair: the answer is kept by digest, a different
 * pair is checked on its own, and a mismatch stays a mismatch.
 */
class CheckedTest {

  static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");

  @Test
  void givenTheSamePairTwice_thenTheCheckRunsOnce() {
    AtomicInteger runs = new AtomicInteger();
    byte[] first = {1, 2, 3};
    byte[] second = {4, 5};

    boolean a = Checked.once("test-once", first, second, () -> runs.incrementAndGet() > 0);
    boolean b = Checked.once("test-once", first.clone(), second.clone(), () -> false);

    assertThat(a).isTrue();
    assertThat(b).as("the kept answer, not the second supplier's").isTrue();
    assertThat(runs).hasValue(1);
    // The bytes split differently between the two parts are another pair.
    assertThat(Checked.once("test-once", new byte[] {1, 2}, new byte[] {3, 4, 5}, () -> false))
        .isFalse();
  }

  @Test
  void givenTwoCas_thenEachKeyMatchesOnlyItsOwnCertificateEveryTime() throws Exception {
    ClusterCa one = ClusterCa.generate("kafka", "one", Duration.ofDays(30), NOW);
    ClusterCa two = ClusterCa.generate("kafka", "two", Duration.ofDays(30), NOW);
    for (int i = 0; i < 2; i++) {
      assertThat(
              ClusterCa.matches(
                  Pem.firstPrivateKey(one.keyPem()), one.certificate().getPublicKey()))
          .isTrue();
      assertThat(
              ClusterCa.matches(
                  Pem.firstPrivateKey(one.keyPem()), two.certificate().getPublicKey()))
          .isFalse();
      assertThat(one.signed(one.certificate())).isTrue();
      assertThat(two.signed(one.certificate())).isFalse();
    }
  }
}
