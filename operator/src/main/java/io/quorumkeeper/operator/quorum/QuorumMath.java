package io.quorumkeeper.operator.quorum;

/** Majority arithmetic of a Raft quorum. */
public final class QuorumMath {

  private QuorumMath() {}

  /** Voters that must agree to elect a leader or commit: N/2 + 1. */
  public static int majority(int voters) {
    return voters / 2 + 1;
  }

  /** Failures a healthy quorum of {@code voters} survives: (N - 1) / 2. */
  public static int promisedTolerance(int voters) {
    return voters <= 0 ? 0 : (voters - 1) / 2;
  }

  /** How many more voters may fail before the quorum is lost, given the live caught-up ones. */
  public static int faultTolerance(int voters, int liveCaughtUpVoters) {
    return Math.max(0, liveCaughtUpVoters - majority(voters));
  }
}
