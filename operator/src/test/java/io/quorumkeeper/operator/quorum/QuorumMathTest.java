package io.quorumkeeper.operator.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuorumMathTest {

  @ParameterizedTest(name = "{0} voters: majority {1}, tolerates {2}")
  @CsvSource({"1, 1, 0", "2, 2, 0", "3, 2, 1", "4, 3, 1", "5, 3, 2", "6, 4, 2", "7, 4, 3"})
  void givenVoterCount_thenMajorityAndPromisedTolerance(int voters, int majority, int tolerance) {
    assertThat(QuorumMath.majority(voters)).isEqualTo(majority);
    assertThat(QuorumMath.promisedTolerance(voters)).isEqualTo(tolerance);
    assertThat(QuorumMath.faultTolerance(voters, voters)).isEqualTo(tolerance);
  }

  @ParameterizedTest(name = "{0} voters, {1} live and caught up → tolerates {2} more")
  @CsvSource({
    "3, 3, 1", "3, 2, 0", "3, 1, 0", "3, 0, 0", "4, 4, 1", "4, 3, 0", "4, 2, 0", "5, 5, 2",
    "5, 4, 1", "5, 3, 0", "5, 2, 0", "7, 6, 2", "7, 4, 0", "1, 1, 0", "2, 2, 0", "2, 1, 0"
  })
  void givenFailedVoters_thenRemainingToleranceCountsOnlyLiveCaughtUp(
      int voters, int liveCaughtUp, int tolerance) {
    assertThat(QuorumMath.faultTolerance(voters, liveCaughtUp)).isEqualTo(tolerance);
  }
}
