package io.quorumkeeper.operator.quorum;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
    Map<Integer, String> running = runningIncarnations(raft, snapshot.agents());
    List<Member> members = new ArrayList<>();
    for (RaftReplica voter : raft.voters()) {
      String runs = running.get(voter.nodeId());
      boolean diskLost =
          runs != null
              && !runs.equals(voter.directoryId())
              && (agentRead(snapshot.agents().get(voter.nodeId()))
                  || freshObserver(raft, voter.nodeId(), runs, now));
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
      // The leader remembers a removed incarnation among its observers, with the times of its
      // last fetch: only the incarnation its node runs now is a spare or a voter's new disk.
      String runs = running.get(observer.nodeId());
      boolean runsNow = runs == null || runs.equals(observer.directoryId());
      Role role =
          !runsNow
              ? Role.Retired
              : !voterIds.contains(observer.nodeId())
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

  /**
   * The directory id of the incarnation each node id runs now, where it can be told: what the pod's
   * agent reads from its disk, else the replica the leader heard from last (a node id runs one
   * process at a time; on a tie the voter, so a tie never costs a voter its place). Kafka's leader
   * keeps a removed voter among its observers with the times of its last fetch, so an observer
   * entry with another directory id is no proof of a new disk: after a replacement the old
   * incarnation would otherwise look like the new disk of its successor, and a heal would undo
   * itself (ADR 021).
   */
  private static Map<Integer, String> runningIncarnations(
      RaftQuorum raft, Map<Integer, AgentReport> agents) {
    Map<Integer, RaftReplica> heardLast = new HashMap<>();
    Stream.concat(raft.voters().stream(), raft.observers().stream())
        .filter(r -> r.lastFetchMs().isPresent())
        .forEach(
            r ->
                heardLast.merge(
                    r.nodeId(),
                    r,
                    (kept, next) ->
                        next.lastFetchMs().getAsLong() > kept.lastFetchMs().getAsLong()
                            ? next
                            : kept));
    Map<Integer, String> running = new HashMap<>();
    heardLast.forEach((id, r) -> running.put(id, r.directoryId()));
    agents.forEach(
        (id, agent) -> {
          if (agentRead(agent)) {
            running.put(id, agent.directoryId());
          }
        });
    return running;
  }

  /** The pod's own agent read a directory id from its disk. */
  private static boolean agentRead(AgentReport agent) {
    return agent != null && agent.directoryId() != null;
  }

  /** Kafka heard lately from this incarnation, as an observer. */
  private boolean freshObserver(RaftQuorum raft, int nodeId, String directoryId, long now) {
    return raft.observers().stream()
        .anyMatch(
            o -> o.nodeId() == nodeId && o.directoryId().equals(directoryId) && fresh(o, now));
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
