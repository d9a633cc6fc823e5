package io.quorumkeeper.operator.quorum;

import io.quorumkeeper.operator.quorum.Operation.Kind;
import io.quorumkeeper.operator.quorum.Operation.Phase;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides the one step a pass may take to bring the voter set back to what the spec asks for,
 * without ever risking committed metadata. Pure: a classified quorum, the operation in flight and
 * the user's policy in; one {@link Action} out. The invariants it keeps are DESIGN.md section 6: no
 * change without a known leader; a removal only while a majority of the voters that remain are live
 * and caught up; only caught-up members are added; one operation at a time, continued (never
 * doubled) after a restart; the voter set never shrinks to heal; ReportOnly and pause only report.
 * A live voter that must leave (its pod is dropped by the spec) is replaced add-first; a dead one
 * remove-first, since it cannot vote anyway and Kafka refuses a second voter with its node id.
 */
public final class HealingPlanner {

  private HealingPlanner() {}

  public static Action plan(
      HealingPolicy policy, Optional<QuorumView> view, Optional<Operation> inFlight) {
    if (view.isEmpty()) {
      return new Action.Wait("no leader: nothing changes while the quorum is lost");
    }
    QuorumView v = view.get();
    Action wanted = inFlight.isPresent() ? resume(inFlight.get(), v) : decide(v, policy);
    boolean acts = wanted instanceof Action.Membership || wanted instanceof Action.DeletePod;
    return acts && !policy.mayAct() ? new Action.Blocked(wanted, policy.blockedBecause()) : wanted;
  }

  /** Drives the operation in flight by what Kafka has committed, never starting another. */
  static Action resume(Operation op, QuorumView v) {
    if (op.phase() == Phase.Removing) {
      if (isVoter(v, op.remove())) {
        return safeToRemove(v, op.remove())
            ? new Action.Membership(op)
            : new Action.Wait("removing " + op.remove() + " is not safe now: " + tolerance(v));
      }
      if (op.add() == null) {
        return new Action.Complete(op);
      }
      op = new Operation(op.kind(), op.remove(), op.add(), Phase.Adding);
    }
    if (isVoter(v, op.add())) {
      return new Action.Complete(op);
    }
    return caughtUpNonVoter(v, op.add())
        ? new Action.Membership(op)
        : new Action.Wait("waiting for " + op.add() + " to catch up before it votes");
  }

  static Action decide(QuorumView v, HealingPolicy policy) {
    List<Member> voters = v.voterMembers();
    for (Member lost : filter(voters, Health.DiskLost)) {
      Optional<Member> reborn =
          v.members().stream()
              .filter(m -> m.role() == Role.Observer && m.nodeId() == lost.nodeId())
              .findFirst();
      if (reborn.isEmpty() || reborn.get().health() != Health.CaughtUp) {
        return new Action.Wait(
            "voter "
                + Incarnation.of(lost)
                + " lost its disk; its new incarnation is not caught up yet");
      }
      return removeThenAdd(v, Kind.ReplaceVoter, lost, reborn.get());
    }
    for (Member dead : filter(voters, Health.Unreachable)) {
      Optional<Member> spare = bestSpare(v, policy, dead);
      if (spare.isPresent() && silentFor(dead, policy.unreachableAfter())) {
        return removeThenAdd(v, Kind.ActivateSpare, dead, spare.get());
      }
      if (spare.isPresent()) {
        return new Action.Wait(
            "voter "
                + dead.nodeId()
                + " is unreachable; spare "
                + spare.get().nodeId()
                + " takes its place once it has been silent for "
                + policy.unreachableAfter().toSeconds()
                + "s");
      }
      Duration stranded = dead.pod() == null ? null : policy.strandedPods().get(dead.pod());
      if (stranded != null && stranded.compareTo(policy.strandedGrace()) >= 0) {
        return new Action.DeletePod(
            dead.pod(),
            "voter "
                + dead.nodeId()
                + " is stranded for "
                + stranded.toSeconds()
                + "s and no spare is caught up");
      }
      return new Action.Wait(
          "voter "
              + dead.nodeId()
              + " is unreachable and no caught-up spare exists; "
              + tolerance(v));
    }
    if (voters.size() < policy.desiredVoters()) {
      return bestSpare(v, policy, null)
          .<Action>map(
              m -> new Action.Membership(Operation.start(Kind.AddVoter, null, Incarnation.of(m))))
          .orElse(
              new Action.Wait(
                  voters.size()
                      + " of "
                      + policy.desiredVoters()
                      + " voters and no caught-up spare to add"));
    }
    if (voters.size() > policy.desiredVoters()) {
      // Voters on pods the spec drops go first, followers before the leader, laggards first.
      Member leaving =
          voters.stream()
              .min(
                  Comparator.comparing(policy::stays)
                      .thenComparing((Member m) -> m.role() == Role.Leader)
                      .thenComparing((Member m) -> m.health() == Health.CaughtUp)
                      .thenComparing(Member::nodeId, Comparator.reverseOrder()))
              .orElseThrow();
      return safeToRemove(v, Incarnation.of(leaving))
          ? new Action.Membership(Operation.start(Kind.RemoveVoter, Incarnation.of(leaving), null))
          : new Action.Wait(
              "removing voter " + leaving.nodeId() + " is not safe now: " + tolerance(v));
    }
    Optional<Member> retiring = voters.stream().filter(m -> !policy.stays(m)).findFirst();
    if (retiring.isPresent()) {
      // A live voter leaves add-first: its successor votes before it goes, so tolerance holds.
      return bestSpare(v, policy, retiring.get())
          .<Action>map(
              m -> new Action.Membership(Operation.start(Kind.AddVoter, null, Incarnation.of(m))))
          .orElse(
              new Action.Wait(
                  "voter "
                      + retiring.get().nodeId()
                      + " is on a pod the spec removes; waiting for a caught-up spare to take over"));
    }
    return new Action.None();
  }

  /**
   * The caught-up spare to make a voter, on a pod the spec keeps: preferably in a zone where none
   * of the voters that stay runs, then the lowest node id.
   */
  private static Optional<Member> bestSpare(QuorumView v, HealingPolicy policy, Member leaving) {
    Set<String> voterZones =
        v.voterMembers().stream()
            .filter(m -> leaving == null || m.nodeId() != leaving.nodeId())
            .map(m -> policy.zones().get(m.nodeId()))
            .filter(Objects::nonNull)
            .collect(Collectors.toSet());
    return v.members().stream()
        .filter(m -> m.role() == Role.Spare && m.health() == Health.CaughtUp && policy.stays(m))
        .min(
            Comparator.comparing(
                    (Member m) -> {
                      String zone = policy.zones().get(m.nodeId());
                      return zone == null || voterZones.contains(zone);
                    })
                .thenComparingInt(Member::nodeId));
  }

  /** Silent at least this long, by the leader's clock (never caught up counts as silent). */
  private static boolean silentFor(Member m, Duration d) {
    return m.sinceCaughtUpMs() < 0 || m.sinceCaughtUpMs() >= d.toMillis();
  }

  private static Action removeThenAdd(QuorumView v, Kind kind, Member out, Member in) {
    Incarnation remove = Incarnation.of(out);
    return safeToRemove(v, remove)
        ? new Action.Membership(Operation.start(kind, remove, Incarnation.of(in)))
        : new Action.Wait("removing " + remove + " is not safe now: " + tolerance(v));
  }

  /** Invariant 2: a majority of the voters that remain must be live and caught up. */
  public static boolean safeToRemove(QuorumView v, Incarnation leaving) {
    List<Member> remaining =
        v.voterMembers().stream().filter(m -> !Incarnation.of(m).equals(leaving)).toList();
    long caughtUp = remaining.stream().filter(m -> m.health() == Health.CaughtUp).count();
    return v.hasLeader()
        && !remaining.isEmpty()
        && caughtUp >= QuorumMath.majority(remaining.size());
  }

  private static boolean isVoter(QuorumView v, Incarnation incarnation) {
    return v.voterMembers().stream().anyMatch(m -> Incarnation.of(m).equals(incarnation));
  }

  private static boolean caughtUpNonVoter(QuorumView v, Incarnation incarnation) {
    return v.members().stream()
        .anyMatch(
            m ->
                !m.isVoter()
                    && m.health() == Health.CaughtUp
                    && Incarnation.of(m).equals(incarnation));
  }

  private static List<Member> filter(List<Member> members, Health health) {
    return members.stream().filter(m -> m.health() == health).toList();
  }

  private static String tolerance(QuorumView v) {
    return v.voters() + " voters, tolerates " + v.faultTolerance();
  }
}
