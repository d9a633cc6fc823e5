package io.quorumkeeper.operator.quorum;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Builds classified quorums for planner tests: node 0 leads unless said otherwise. */
final class Views {

  private final List<Member> members = new ArrayList<>();
  private int leader = 0;

  static Views voters(Health... healths) {
    Views views = new Views();
    for (int id = 0; id < healths.length; id++) {
      Role role = id == views.leader ? Role.Leader : Role.Follower;
      Health health = id == views.leader ? Health.CaughtUp : healths[id];
      views.members.add(new Member(id, "c-" + id, "dir" + id, role, 0, since(health), health));
    }
    return views;
  }

  Views spare(int id, Health health) {
    members.add(new Member(id, "c-" + id, "dir" + id, Role.Spare, 0, since(health), health));
    return this;
  }

  /** A new incarnation of voter {@code id}, after its disk was lost. */
  Views reborn(int id, Health health) {
    members.add(new Member(id, "c-" + id, "new" + id, Role.Observer, 0, since(health), health));
    return this;
  }

  /** Time since caught up, as the assessor would have it for each health: silent ten minutes. */
  private static long since(Health health) {
    return switch (health) {
      case CaughtUp -> 0;
      case Lagging -> 5_000;
      case Unreachable, DiskLost -> 600_000;
    };
  }

  /** Voter {@code id} was last caught up {@code ms} ago (a pod that went down moments ago). */
  Views silentFor(int id, long ms) {
    members.replaceAll(
        m ->
            m.nodeId() == id && m.isVoter()
                ? new Member(
                    m.nodeId(), m.pod(), m.directoryId(), m.role(), m.lag(), ms, m.health())
                : m);
    return this;
  }

  /** Voter {@code id} has been removed from the voter set. */
  Views without(int id) {
    members.removeIf(m -> m.nodeId() == id && m.isVoter());
    return this;
  }

  QuorumView view() {
    List<Member> voters = members.stream().filter(Member::isVoter).toList();
    int caughtUp = (int) voters.stream().filter(m -> m.health() == Health.CaughtUp).count();
    return new QuorumView(
        OptionalInt.of(leader),
        3,
        100,
        voters.size(),
        QuorumMath.faultTolerance(voters.size(), caughtUp),
        members);
  }

  List<Member> members() {
    return members;
  }
}
