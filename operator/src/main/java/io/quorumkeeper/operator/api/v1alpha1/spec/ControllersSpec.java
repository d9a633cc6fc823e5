package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** The controller pool: pods with the controller role, how many of them vote, the rest spares. */
@ValidationRule(
    value = "!has(self.voters) || (self.voters >= 1 && self.voters <= 9)",
    message = ControllersSpec.VOTERS_RANGE)
@ValidationRule(
    value = "!has(self.voters) || self.voters % 2 == 1",
    message = ControllersSpec.VOTERS_ODD)
@ValidationRule(
    value = "!has(self.voters) || self.voters <= self.replicas",
    message = ControllersSpec.VOTERS_WITHIN_REPLICAS)
public class ControllersSpec extends PoolSpec {

  // The schema's messages, repeated word for word by the operator's own validation.
  public static final String VOTERS_RANGE = "controllers.voters must be between 1 and 9";
  public static final String VOTERS_ODD =
      "controllers.voters must be odd (1, 3, 5, 7 or 9): an even count tolerates no more failed"
          + " voters than the odd count below it";
  public static final String VOTERS_WITHIN_REPLICAS =
      "controllers.voters cannot exceed controllers.replicas: every voter needs its own"
          + " controller pod";

  /** The most voters a quorum may have; more only slow every commit down. */
  public static final int MAX_VOTERS = 9;

  @JsonPropertyDescription(
      "How many controllers vote in the Raft quorum; odd, 1 to 9. Default: the largest odd number"
          + " not above replicas (at most 9). The other controller pods are hot spares that stay"
          + " caught up as observers.")
  private Integer voters;

  public Integer getVoters() {
    return voters;
  }

  public void setVoters(Integer voters) {
    this.voters = voters;
  }

  /** The voter count in force: the one set, or the largest odd number not above replicas. */
  public int desiredVoters() {
    if (voters != null) {
      return voters;
    }
    return impliedVoters(getReplicas());
  }

  /** The voters {@code replicas} controllers imply: the largest odd number not above, 1 to 9. */
  public static int impliedVoters(int replicas) {
    int largestOdd = replicas % 2 == 1 ? replicas : replicas - 1;
    return Math.max(1, Math.min(largestOdd, MAX_VOTERS));
  }
}
