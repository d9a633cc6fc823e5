package io.quorumkeeper.operator.quorum;

import java.util.List;
import java.util.OptionalInt;

/**
 * A classified quorum: who leads, every controller incarnation's role and health, and how many more
 * voter failures it survives.
 */
public record QuorumView(
    OptionalInt leaderId,
    long leaderEpoch,
    long highWatermark,
    int voters,
    int faultTolerance,
    List<Member> members) {

  public QuorumView {
    members = List.copyOf(members);
  }

  public boolean hasLeader() {
    return leaderId.isPresent();
  }

  public List<Member> voterMembers() {
    return members.stream().filter(Member::isVoter).toList();
  }
}
