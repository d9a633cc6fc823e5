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
 * the user's policy in; one {@link Action} out. The invariants it keeps are docs/design.md section
 * 6: no change without a known leader; a removal only while a majority of the voters that remain
 * are live and caught up; only caught-up members are added; one operation at a time, continued
 * (never doubled) after a restart; the voter set never shrinks to heal; ReportOnly and pause only
 * report. A live voter that must leave (its pod is dropped by the spec) is replaced add-first; a
 * dead one remove-first, since it cannot vote anyway and Kafka refuses a second voter with its node
 * id.
 */
public final class HealingPlanner {

  private HealingPlanner() {}

  public static Action plan(
      HealingPolicy policy, Optional<QuorumView> view, Optional<Operation> inFlight) {
    if (view.isEmpty()) {
      return new Action.Wait("no leader: nothing changes while the quorum is lost");
    }
    QuorumView v = view.get();
    Action wanted = inFlight.isPresent() ? resume(inFlight.get(), v, policy) : decide(v, policy);
    boolean acts = wanted instanceof Action.Membership || wanted instanceof Action.DeletePod;
    return acts && !policy.mayAct() ? new Action.Blocked(wanted, policy.blockedBecause()) : wanted;
  }

  /**
   * Drives the operation in flight by what Kafka has committed, never starting another. One whose
   * new voter is gone is abandoned, but only once Kafka shows its removal undone or committed and
   * nothing sent for it may still commit (KAFKA-20740: a change that timed out can still land).
   */
  static Action resume(Operation op, QuorumView v, HealingPolicy policy) {
    if (op.phase() == Phase.Removing) {
      if (isVoter(v, op.remove())) {
        Optional<String> gone = op.add() == null ? Optional.empty() : gone(v, op.add());
        if (gone.isPresent()) {
          return policy.settled(op)
              ? new Action.Abandon(op, gone.get() + "; " + op.remove() + " stays a voter")
              : new Action.Wait(gone.get() + "; waiting for the removal already sent to settle");
        }
        Optional<String> uncalled = removalUncalledFor(v, op.remove(), policy);
        if (uncalled.isPresent()) {
          // Lagging may be a dead voter a new leader has not yet led long enough to call silent:
          // neither sent nor given up until Kafka says which. One Unreachable by its pod alone (a
          // NotReady node, a pod marked for deletion) that this leader heard from within
          // unreachableAfter is alive: given up once settled, and planned again if it falls silent
          if (health(v, op.remove()) == Health.Lagging) {
            return new Action.Wait(uncalled.get() + " yet; waiting until it is heard or silent");
          }
          return policy.settled(op)
              ? new Action.Abandon(op, uncalled.get())
              : new Action.Wait(
                  uncalled.get() + "; waiting for the removal already sent to settle");
        }
        return safeToRemove(v, op.remove())
            ? new Action.Membership(op)
            : new Action.Wait("removing " + op.remove() + " is not safe now: " + tolerance(v));
      }
      if (op.add() == null) {
        return new Action.Complete(op);
      }
      op = op.adding();
    }
    if (isVoter(v, op.add())) {
      return new Action.Complete(op);
    }
    if (caughtUpNonVoter(v, op.add())) {
      return new Action.Membership(op);
    }
    Optional<String> gone = gone(v, op.add());
    if (gone.isPresent() && policy.settled(op)) {
      return new Action.Abandon(op, gone.get() + "; it is not a voter");
    }
    return new Action.Wait(
        gone.map(g -> g + "; waiting for the addition already sent to settle")
            .orElse("waiting for " + op.add() + " to catch up before it votes"));
  }

  /**
   * Why nothing calls for removing voter {@code remove} any more, if so (ADR 043). A removal is
   * only ever planned for a voter that is unreachable or lost its disk, one the spec's pods no
   * longer include, or while the quorum has more voters than asked: {@code status.operation} read
   * back with a removal of a voter that is none of these (written by hand, or one that came back to
   * life before its removal was sent) removes a live voter for nothing. Unreachable counts only
   * with Kafka's own silence for {@code unreachableAfter}, as when the removal was planned: a pod
   * on a NotReady node, or one marked for deletion, may fetch again before the removal is resumed
   * (after an operator restart, say).
   */
  private static Optional<String> removalUncalledFor(
      QuorumView v, Incarnation remove, HealingPolicy policy) {
    Optional<Member> target =
        v.voterMembers().stream().filter(m -> Incarnation.of(m).equals(remove)).findFirst();
    if (target.isEmpty()) {
      return Optional.empty();
    }
    Member m = target.get();
    boolean called =
        (m.health() == Health.Unreachable && silentFor(m, policy.unreachableAfter()))
            || m.health() == Health.DiskLost
            || !policy.stays(m)
            || v.voterMembers().size() > policy.desiredVoters();
    return called
        ? Optional.empty()
        : Optional.of(
            "voter "
                + remove
                + " is "
                + m.health()
                + " and the quorum has "
                + v.voterMembers().size()
                + " voters for "
                + policy.desiredVoters()
                + " asked: nothing calls for its removal");
  }

  /** The health Kafka's view gives voter {@code voter}, or null if it is not a voter. */
  private static Health health(QuorumView v, Incarnation voter) {
    return v.voterMembers().stream()
        .filter(m -> Incarnation.of(m).equals(voter))
        .map(Member::health)
        .findFirst()
        .orElse(null);
  }

  /**
   * Why an incarnation to add can no longer become a voter: Kafka does not know it, does not hear
   * from it, or its node id came back with another disk. Empty while it may still catch up.
   */
  private static Optional<String> gone(QuorumView v, Incarnation add) {
    Optional<Member> member =
        v.members().stream().filter(m -> Incarnation.of(m).equals(add)).findFirst();
    if (member.isEmpty()) {
      return Optional.of(add + " is no longer a member of the quorum");
    }
    if (member.get().health() == Health.Unreachable || member.get().health() == Health.DiskLost) {
      return Optional.of(add + " is unreachable");
    }
    if (!member.get().runsNow()) {
      return Optional.of("node " + add.nodeId() + " no longer runs " + add);
    }
    boolean reformatted =
        v.members().stream()
            .anyMatch(
                m ->
                    m.nodeId() == add.nodeId()
                        && !m.isVoter()
                        && m.runsNow()
                        && !m.directoryId().equals(add.directoryId())
                        && (m.health() == Health.CaughtUp || m.health() == Health.Lagging));
    return reformatted
        ? Optional.of("node " + add.nodeId() + " came back with another disk than " + add)
        : Optional.empty();
  }

  static Action decide(QuorumView v, HealingPolicy policy) {
    List<Member> voters = v.voterMembers();
    if (voters.size() < policy.desiredVoters()) {
      // Short of a voter (an operation was abandoned after its removal): add before anything live
      // is removed, or a remove-first replacement would take the live count two below the spec.
      return addSpare(v, policy, voters);
    }
    for (Member lost : filter(voters, Health.DiskLost)) {
      Optional<Member> reborn = caughtUpReborn(v, lost);
      if (reborn.isEmpty()) {
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
      Optional<Action> delete = deleteStranded(dead, policy);
      if (delete.isPresent()) {
        return delete.get();
      }
      if (voters.size() > policy.desiredVoters()) {
        break; // the spec asks for fewer voters: the shrink below takes the silent ones first
      }
      return new Action.Wait(
          "voter "
              + dead.nodeId()
              + " is unreachable and no caught-up spare exists; "
              + tolerance(v));
    }
    if (voters.size() > policy.desiredVoters()) {
      // Voters Kafka has not heard from for unreachableAfter go first (removing one takes no live
      // voter away, ADR 040; a pod on a NotReady node may still fetch), then voters on
      // pods the spec drops, followers before the leader, laggards first.
      Member leaving =
          voters.stream()
              .min(
                  Comparator.comparing(
                          (Member m) ->
                              !(m.health() == Health.Unreachable
                                  && silentFor(m, policy.unreachableAfter())))
                      .thenComparing(policy::stays)
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

  private static Action addSpare(QuorumView v, HealingPolicy policy, List<Member> voters) {
    String lacking =
        voters.size() + " of " + policy.desiredVoters() + " voters and no caught-up spare to add";
    List<Member> lost = filter(voters, Health.DiskLost);
    if (!lost.isEmpty()) {
      lacking += "; voter " + Incarnation.of(lost.get(0)) + " lost its disk and waits for one";
    }
    Optional<Member> spare = bestSpare(v, policy, null);
    if (spare.isPresent()) {
      return new Action.Membership(
          Operation.start(Kind.AddVoter, null, Incarnation.of(spare.get())));
    }
    // With no spare to add, a voter whose disk was lost is still replaced by its new incarnation:
    // the incarnation removed first fetches nothing, so no live voter goes and the majority of the
    // fewer voters is no larger (ADR 040).
    for (Member gone : lost) {
      Optional<Member> reborn = caughtUpReborn(v, gone);
      if (reborn.isPresent()) {
        return removeThenAdd(v, Kind.ReplaceVoter, gone, reborn.get());
      }
    }
    // No voter change, but a stranded voter's pod may still be rescheduled.
    return filter(voters, Health.Unreachable).stream()
        .map(dead -> deleteStranded(dead, policy))
        .flatMap(Optional::stream)
        .filter(Action.DeletePod.class::isInstance)
        .findFirst()
        .orElse(new Action.Wait(lacking));
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

  /**
   * A voter's pod stuck past the grace is force-deleted only if Kafka, too, has not heard from it
   * for the grace: a pod on a NotReady node may still fetch and vote, and deleting it would cost a
   * live voter.
   */
  private static Optional<Action> deleteStranded(Member dead, HealingPolicy policy) {
    HealingPolicy.Stranded stranded =
        dead.pod() == null ? null : policy.strandedPods().get(dead.pod());
    Duration grace = policy.strandedGrace();
    if (stranded == null || stranded.stuckFor().compareTo(grace) < 0) {
      return Optional.empty();
    }
    if (!silentFor(dead, grace)
        || !(dead.sinceFetchMs() < 0 || dead.sinceFetchMs() >= grace.toMillis())) {
      return Optional.of(
          new Action.Wait(
              "voter "
                  + dead.nodeId()
                  + "'s pod is stranded, but Kafka heard from it within "
                  + grace.toSeconds()
                  + "s; its pod is not deleted"));
    }
    return Optional.of(
        new Action.DeletePod(
            dead.pod(),
            stranded.uid(),
            "voter "
                + dead.nodeId()
                + " is stranded for "
                + stranded.stuckFor().toSeconds()
                + "s, Kafka has not heard from it since, and no spare is caught up"));
  }

  /**
   * Whether a voter lost its disk and its new incarnation is not a caught-up observer yet: the
   * replacement waits for that catch-up (see {@link #decide}).
   */
  public static boolean awaitsNewIncarnation(QuorumView v) {
    return filter(v.voterMembers(), Health.DiskLost).stream()
        .anyMatch(lost -> reborn(v, lost).filter(m -> m.health() == Health.CaughtUp).isEmpty());
  }

  /** The observer with the id of {@code lost}: its new incarnation, once it has fetched. */
  private static Optional<Member> reborn(QuorumView v, Member lost) {
    return v.members().stream()
        .filter(m -> m.role() == Role.Observer && m.nodeId() == lost.nodeId())
        .findFirst();
  }

  /** The new incarnation of diskless voter {@code lost}, once it has caught up. */
  private static Optional<Member> caughtUpReborn(QuorumView v, Member lost) {
    return reborn(v, lost).filter(m -> m.health() == Health.CaughtUp);
  }

  /**
   * How long until the clock alone changes what the planner sees: the soonest moment a follower
   * will have been silent for {@code unreachableAfter} by Kafka's clocks. A live one turns
   * Unreachable when its last fetch is that old (for a follower that fetches now, a whole
   * unreachableAfter away); one already Unreachable (its pod is down) may be replaced by a spare
   * once its last caught-up time is. The operator observes again at that moment instead of at its
   * next periodic tick (issue 15). Empty when no such moment lies ahead.
   */
  public static Optional<Duration> untilSilenceCounts(QuorumView v, Duration unreachableAfter) {
    return v.voterMembers().stream()
        .filter(m -> m.role() == Role.Follower)
        .mapToLong(
            m ->
                switch (m.health()) {
                  case CaughtUp, Lagging -> m.sinceFetchMs();
                  case Unreachable -> m.sinceCaughtUpMs();
                  case DiskLost -> -1;
                })
        .filter(since -> since >= 0 && since < unreachableAfter.toMillis())
        .mapToObj(unreachableAfter::minusMillis)
        .min(Comparator.naturalOrder());
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
                    && m.runsNow()
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
