package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.DuplicateVoterException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Only the leader's refusals given before it appends count as refused; everything else may still
 * commit and waits out the settle time.
 */
class VoterChangeRefusedTest {

  @Test
  void givenTheLeadersRefusalsBeforeAppending_thenRefused() {
    for (String message :
        new String[] {
          "New voter ReplicaKey(id=3, directoryId=Optional[x]) is not ready to receive requests",
          "Aborted add voter operation for since API_VERSIONS returned an error NETWORK_EXCEPTION",
          "Aborted add voter operation for ReplicaKey(id=3) since it is lagging behind",
          "Request timed out waiting for leader to handle previous voter change request",
          "Request timed out waiting for leader to establish HWM and fence previous voter changes",
          "Request timed out waiting for voters to commit the latest voter change at 12 with HWM 10"
        }) {
      assertThat(VoterChangeRefused.beforeAppend(new TimeoutException(message)))
          .as(message)
          .isTrue();
    }
  }

  @Test
  void givenATimeoutThatMayStillCommitOrAnotherError_thenNotRefused() {
    assertThat(VoterChangeRefused.beforeAppend(new TimeoutException("The request timed out.")))
        .isFalse();
    assertThat(
            VoterChangeRefused.beforeAppend(
                new TimeoutException(
                    "Timed out waiting for a node assignment. Call: addRaftVoter")))
        .isFalse();
    assertThat(VoterChangeRefused.beforeAppend(new TimeoutException((String) null))).isFalse();
    assertThat(
            VoterChangeRefused.beforeAppend(
                new DuplicateVoterException("is not ready to receive requests")))
        .as("only a timeout answer carries these messages")
        .isFalse();
    assertThat(VoterChangeRefused.beforeAppend(null)).isFalse();
  }
}
