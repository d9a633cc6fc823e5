package io.quorumkeeper.operator.quorum;

/**
 * One controller incarnation with its classification.
 *
 * @param lag records behind the leader's log end offset
 * @param sinceCaughtUpMs time since it was last caught up, by the leader's clock; if the leader has
 *     not seen it caught up, how long that leader has led (as the operator saw it), or -1 if
 *     unknown
 * @param sinceFetchMs time since it last fetched from the leader, by the leader's clock, with the
 *     same fallbacks: Kafka's own evidence that it is silent, whatever Kubernetes says of its pod
 */
public record Member(
    int nodeId,
    String pod,
    String directoryId,
    Role role,
    long lag,
    long sinceCaughtUpMs,
    Health health,
    long sinceFetchMs) {

  /**
   * A member whose fetches agree with its health: a live one fetches now, a silent one stopped when
   * it was last caught up.
   */
  public Member(
      int nodeId,
      String pod,
      String directoryId,
      Role role,
      long lag,
      long sinceCaughtUpMs,
      Health health) {
    this(
        nodeId,
        pod,
        directoryId,
        role,
        lag,
        sinceCaughtUpMs,
        health,
        health == Health.CaughtUp || health == Health.Lagging ? 0 : sinceCaughtUpMs);
  }

  public boolean isVoter() {
    return role == Role.Leader || role == Role.Follower;
  }

  /**
   * Whether its node runs this incarnation now: not an incarnation the leader still lists after its
   * node moved on to another disk or after its removal (ADR 021).
   */
  public boolean runsNow() {
    return role != Role.Retired;
  }
}
