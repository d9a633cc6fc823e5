package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Rounds of one cluster overlap and may end out of order; the cache keeps the observation Kafka
 * answered last (ADR 021).
 */
class ObservationOrderTest {

  static RaftObservation at(long millis) {
    return new RaftObservation("kafka/c", Instant.ofEpochMilli(millis), Optional.empty(), "x");
  }

  @Test
  void givenARoundThatEndsAfterANewerOne_thenTheNewerOneStaysCached() {
    assertThat(QuorumObservation.newer(Set.of(at(2_000)), Set.of(at(1_999)))).isTrue();
  }

  @Test
  void givenANewerOrEquallyOldRound_thenItReplacesTheCachedOne() {
    assertThat(QuorumObservation.newer(Set.of(at(2_000)), Set.of(at(2_001)))).isFalse();
    assertThat(QuorumObservation.newer(Set.of(at(2_000)), Set.of(at(2_000)))).isFalse();
  }

  @Test
  void givenNothingCached_thenTheRoundIsCached() {
    assertThat(QuorumObservation.newer(Set.of(), Set.of(at(1)))).isFalse();
  }
}
