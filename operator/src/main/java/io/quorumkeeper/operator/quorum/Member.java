package io.quorumkeeper.operator.quorum;

/**
 * One controller incarnation with its classification.
 *
 * @param lag records behind the leader's log end offset
 * @param sinceCaughtUpMs time since it was last caught up, by the leader's clock; -1 if never
 */
public record Member(
    int nodeId,
    String pod,
    String directoryId,
    Role role,
    long lag,
    long sinceCaughtUpMs,
    Health health) {

  public boolean isVoter() {
    return role == Role.Leader || role == Role.Follower;
  }
}
