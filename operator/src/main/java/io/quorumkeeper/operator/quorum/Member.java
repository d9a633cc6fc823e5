package io.quorumkeeper.operator.quorum;

/**
 * One controller incarnation with its classification.
 *
 * @param lag records behind the leader's log end offset
 * @param sinceCaughtUpMs time since it was last caught up, by the leader's clock; if the leader has
 *     not seen it caught up, how long that leader has led (as the operator saw it), or -1 if
 *     unknown
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
