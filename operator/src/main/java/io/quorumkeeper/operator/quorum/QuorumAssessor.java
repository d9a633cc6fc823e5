package io.quorumkeeper.operator.quorum;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Classifies every controller incarnation of a {@link QuorumSnapshot} and computes the quorum's
 * fault tolerance. Times are compared on the leader's clock (the leader reports its own fetch time
 * as now), so the operator's clock skew does not matter.
 *
 * @param caughtUpWithin a replica last caught up longer ago than this is Lagging (Kafka's {@code
 *     controller.quorum.fetch.timeout.ms}, 2 s by default)
 * @param unreachableAfter a replica that has not fetched for this long is Unreachable
 */
public record QuorumAssessor(Duration caughtUpWithin, Duration unreachableAfter) {

  /** The classified quorum, or empty when no controller reported a leader. */
  public Optional<QuorumView> assess(QuorumSnapshot snapshot) {
    if (!snapshot.hasLeader()) {
      return Optional.empty();
    }
    RaftQuorum raft = snapshot.raft().orElseThrow();
    int leader = raft.leaderId().getAsInt();
    long leaderEnd =
        raft.voters().stream()
            .filter(v -> v.nodeId() == leader)
            .mapToLong(RaftReplica::logEndOffset)
            .max()
            .orElse(raft.highWatermark());
    long now =
        raft.voters().stream()
            .filter(v -> v.nodeId() == leader)
            .map(v -> v.lastFetchMs())
            .filter(t -> t.isPresent())
            .mapToLong(t -> t.getAsLong())
            .findFirst()
            .orElse(snapshot.observedAt().toEpochMilli());
    Map<Integer, PodFacts> pods = snapshot.controllerPods();
    // How long this leader has led, as far as the operator knows: a replica it has not heard from
    // yet is not silent for longer than that.
    long epochAge =
        snapshot.epochSeenSince().equals(Instant.EPOCH)
            ? -1
            : Math.max(
                0, snapshot.observedAt().toEpochMilli() - snapshot.epochSeenSince().toEpochMilli());
    Set<String> voterIncarnations =
        raft.voters().stream().map(QuorumAssessor::incarnation).collect(Collectors.toSet());
    List<Member> members = new ArrayList<>();
    for (RaftReplica voter : raft.voters()) {
      boolean diskLost =
          raft.observers().stream()
                  .anyMatch(
                      o ->
                          o.nodeId() == voter.nodeId()
                              && !o.directoryId().equals(voter.directoryId())
                              && fresh(o, now))
              || otherDisk(snapshot.agents().get(voter.nodeId()), voter);
      Role role = voter.nodeId() == leader ? Role.Leader : Role.Follower;
      Health health =
          role == Role.Leader
              ? Health.CaughtUp
              : diskLost ? Health.DiskLost : health(voter, now, pods.get(voter.nodeId()), epochAge);
      members.add(
          member(voter, role, health, leaderEnd, now, epochAge, snapshot.controllerPodNames()));
    }
    Set<Integer> voterIds =
        raft.voters().stream().map(RaftReplica::nodeId).collect(Collectors.toSet());
    for (RaftReplica observer : raft.observers()) {
      if (!snapshot.controllerPodNames().containsKey(observer.nodeId())
          || voterIncarnations.contains(incarnation(observer))) {
        continue; // brokers observe the metadata log too; only controllers are members
      }
      // The leader remembers a removed incarnation for a while; one that no longer fetches is
      // history (Retired), not a new disk for the voter with its node id.
      Role role =
          !voterIds.contains(observer.nodeId())
              ? Role.Spare
              : fresh(observer, now) ? Role.Observer : Role.Retired;
      Health health = health(observer, now, pods.get(observer.nodeId()), epochAge);
      members.add(
          member(observer, role, health, leaderEnd, now, epochAge, snapshot.controllerPodNames()));
    }
    members.sort(Comparator.comparingInt(Member::nodeId).thenComparing(m -> m.role().ordinal()));
    int liveCaughtUp =
        (int) members.stream().filter(m -> m.isVoter() && m.health() == Health.CaughtUp).count();
    return Optional.of(
        new QuorumView(
            OptionalInt.of(leader),
            raft.leaderEpoch(),
            raft.highWatermark(),
            raft.voters().size(),
            QuorumMath.faultTolerance(raft.voters().size(), liveCaughtUp),
            members));
  }

  /** The pod's own agent reads another directory id than the voter's from its disk. */
  private static boolean otherDisk(AgentReport agent, RaftReplica voter) {
    return agent != null
        && agent.directoryId() != null
        && !agent.directoryId().equals(voter.directoryId());
  }

  private boolean fresh(RaftReplica replica, long now) {
    return replica.lastFetchMs().isPresent()
        && now - replica.lastFetchMs().getAsLong() <= unreachableAfter.toMillis();
  }

  /**
   * A pod Kubernetes knows is down decides; without pod facts, Kafka's timestamps do. A replica a
   * new leader has not heard from yet is Lagging (not known to be caught up, not known to be gone)
   * until the leader has led for {@code unreachableAfter}.
   */
  private Health health(RaftReplica replica, long now, PodFacts pod, long epochAge) {
    if (pod != null && (!pod.running() || !pod.nodeReady())) {
      return Health.Unreachable;
    }
    if (replica.lastCaughtUpMs().isPresent()
        && now - replica.lastCaughtUpMs().getAsLong() <= caughtUpWithin.toMillis()) {
      return Health.CaughtUp;
    }
    if (replica.lastFetchMs().isEmpty()) {
      return epochAge >= 0 && epochAge < unreachableAfter.toMillis()
          ? Health.Lagging
          : Health.Unreachable;
    }
    if (now - replica.lastFetchMs().getAsLong() > unreachableAfter.toMillis()) {
      return Health.Unreachable;
    }
    return Health.Lagging;
  }

  private static Member member(
      RaftReplica replica,
      Role role,
      Health health,
      long leaderEnd,
      long now,
      long epochAge,
      Map<Integer, String> podNames) {
    return new Member(
        replica.nodeId(),
        podNames.get(replica.nodeId()),
        replica.directoryId(),
        role,
        Math.max(0, leaderEnd - replica.logEndOffset()),
        replica.lastCaughtUpMs().isPresent()
            ? Math.max(0, now - replica.lastCaughtUpMs().getAsLong())
            : epochAge,
        health,
        replica.lastFetchMs().isPresent()
            ? Math.max(0, now - replica.lastFetchMs().getAsLong())
            : epochAge);
  }

  private static String incarnation(RaftReplica replica) {
    return replica.nodeId() + "/" + replica.directoryId();
  }
}
