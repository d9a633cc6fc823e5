package io.quorumkeeper.operator.quorum;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides the one pod restart a pass may take to bring every pod onto its StatefulSet's current
 * template (invariant 8 of DESIGN.md). Pure: pods, the classified quorum, partition ISRs and the
 * restart in flight in; one {@link RollAction} out. The rules: one pod at a time, and a pod only
 * while every other pod is back (Ready for the settling time at least; a controller caught up with
 * the leader; a broker in the ISR of every partition it replicates); no roll without a leader or
 * while a voter-set change is in flight; a voter only if the other voters keep a caught-up majority
 * (a quorum of one voter has no such restart and is restarted all the same); a broker-role pod only
 * if no partition it is in the ISR of would drop below its min.insync.replicas; order: pods already
 * down, controller spares and observers, voting followers, broker-only pods, the leader last, each
 * group from the highest node id. The choice is made afresh each pass from pods and status, never
 * from memory: a restart recorded but not carried out (its pod object is still there, outdated)
 * evicted nothing, and a restarted pod came back from the current template, so it is not outdated
 * and never chosen again; that is what makes an operator restart mid-roll harmless. The recorded
 * restart is only held (kept in status) until its pod is back.
 */
public final class RollPlanner {

  private RollPlanner() {}

  public static RollAction plan(RollFacts facts, String blockedBecause) {
    RollStep holding = holding(facts);
    List<RollPod> outdated = facts.pods().stream().filter(RollPod::outdated).toList();
    if (outdated.isEmpty()) {
      return holding == null
          ? new RollAction.None()
          : new RollAction.Wait(notBack(pod(facts, holding.pod()), facts), holding);
    }
    if (facts.membershipInFlight()) {
      return new RollAction.Wait("a voter-set change is in flight; the roll waits for it", holding);
    }
    if (facts.view().isEmpty() || !facts.view().get().hasLeader()) {
      return new RollAction.Wait("no leader: no pod restarts while the quorum is lost", holding);
    }
    QuorumView view = facts.view().get();
    RollPod next = first(outdated, view);
    for (RollPod other : facts.pods()) {
      // The next pod itself must be back too, unless it is down already: a ready controller that
      // is not caught up (a long pause, a catch-up after a start) is waited for, not restarted.
      boolean downAlready = other.pod().equals(next.pod()) && rank(next, view) == 0;
      String why = downAlready ? null : notBack(other, facts);
      if (why != null) {
        return new RollAction.Wait(why + "; " + next.pod() + " waits", holding);
      }
    }
    String unsafe = unsafe(next, facts, view);
    if (unsafe != null) {
      return new RollAction.Wait(unsafe, holding);
    }
    RollAction restart =
        new RollAction.Restart(
            next.pod(),
            next.uid(),
            describe(next, view)
                + (next.change() == null
                    ? " runs an outdated pod template"
                    : " runs an outdated pod template: " + next.change())
                + (soleVoter(next, view)
                    ? "; it is the quorum's only voter, so the cluster has no quorum until it is"
                        + " back"
                    : ""));
    return blockedBecause == null ? restart : new RollAction.Blocked(restart, blockedBecause);
  }

  /** The recorded restart still awaited: not carried out yet, or its pod not back yet. */
  static RollStep holding(RollFacts facts) {
    if (facts.inFlight().isEmpty()) {
      return null;
    }
    RollStep step = facts.inFlight().get();
    if (facts.pods().stream().noneMatch(p -> p.pod().equals(step.pod()))) {
      return null; // no pool wants that pod any more (scaled down): there is nothing to await
    }
    if (pending(facts).isPresent()) {
      return step;
    }
    return notBack(pod(facts, step.pod()), facts) == null ? null : step;
  }

  /** The recorded restart's pod object, still outdated: the eviction was not carried out yet. */
  private static Optional<RollPod> pending(RollFacts facts) {
    return facts
        .inFlight()
        .flatMap(
            step ->
                facts.pods().stream()
                    .filter(p -> p.pod().equals(step.pod()) && p.outdated())
                    .filter(p -> step.uid() != null && step.uid().equals(p.uid()))
                    .findFirst());
  }

  private static RollPod pod(RollFacts facts, String name) {
    return facts.pods().stream()
        .filter(p -> p.pod().equals(name))
        .findFirst()
        .orElse(new RollPod(name, null, -1, false, false, false, false));
  }

  private static RollPod first(List<RollPod> outdated, QuorumView view) {
    return outdated.stream()
        .min(
            Comparator.comparingInt((RollPod p) -> rank(p, view))
                .thenComparing(RollPod::nodeId, Comparator.reverseOrder()))
        .orElseThrow();
  }

  /**
   * Order of restart: a pod already down costs nothing more; a non-voting controller costs no vote;
   * a follower costs one vote; a broker-only pod costs no vote; the leader costs an election, so it
   * goes once, last, when every other pod already runs the new template.
   */
  static int rank(RollPod p, QuorumView view) {
    Optional<Member> member = voter(p, view);
    boolean live = member.isPresent() && member.get().health() == Health.CaughtUp;
    if (!p.ready() && !live) {
      return 0; // down already (a leader, or a voter Kafka hears from, is not, whatever its probe)
    }
    if (p.controller() && member.isEmpty()) {
      return 1;
    }
    if (member.isPresent()) {
      return member.get().role() == Role.Leader ? 4 : 2;
    }
    return 3;
  }

  /** Why this pod is not back yet, or null if it is. */
  static String notBack(RollPod p, RollFacts facts) {
    if (!p.exists()) {
      return "pod " + p.pod() + " does not exist yet";
    }
    if (p.terminatingSince() != null) {
      return "pod "
          + p.pod()
          + " is terminating since "
          + p.terminatingSince()
          + " (on a node that stopped answering it stays so until the node is back or the pod is"
          + " force-deleted)";
    }
    if (!p.ready()) {
      return "pod " + p.pod() + " is not ready";
    }
    if (p.readySince() != null && facts.now().isBefore(p.readySince().plus(facts.settle()))) {
      return "pod "
          + p.pod()
          + " is ready since "
          + p.readySince()
          + ", settling until "
          + p.readySince().plus(facts.settle());
    }
    if (p.controller()) {
      boolean caughtUp =
          facts.view().stream()
              .flatMap(v -> v.members().stream())
              .anyMatch(m -> m.nodeId() == p.nodeId() && m.health() == Health.CaughtUp);
      if (!caughtUp) {
        return "controller " + p.nodeId() + " is not caught up with the leader";
      }
    }
    if (p.broker()) {
      if (facts.partitions().isEmpty()) {
        return "the partitions' ISRs are unknown, so broker " + p.nodeId() + " may not be back";
      }
      Optional<PartitionIsr> out =
          facts.partitions().get().stream()
              .filter(i -> i.replicas().contains(p.nodeId()) && !i.isr().contains(p.nodeId()))
              .findFirst();
      if (out.isPresent()) {
        return "broker " + p.nodeId() + " is not in the ISR of " + out.get().partition();
      }
    }
    return null;
  }

  /** Why restarting this pod now would break invariant 2 or an ISR, or null if it would not. */
  static String unsafe(RollPod p, RollFacts facts, QuorumView view) {
    String voterUnsafe = p.controller() ? voterUnsafe(p.nodeId(), view) : null;
    if (voterUnsafe != null) {
      return voterUnsafe;
    }
    if (p.broker()) {
      if (facts.partitions().isEmpty()) {
        return "the partitions' ISRs are unknown; broker " + p.nodeId() + " is not restarted";
      }
      Optional<PartitionIsr> below =
          facts.partitions().get().stream().filter(i -> i.dropsBelowMinIsr(p.nodeId())).findFirst();
      if (below.isPresent()) {
        PartitionIsr i = below.get();
        return "restarting broker "
            + p.nodeId()
            + " would take "
            + i.partition()
            + " below min.insync.replicas="
            + i.minIsr()
            + " (ISR "
            + i.isr()
            + ")";
      }
    }
    return null;
  }

  /**
   * Why restarting controller {@code nodeId} now would leave fewer than a majority of voters caught
   * up in {@code view}, or null if it would not (or it is no voter).
   */
  public static String voterUnsafe(int nodeId, QuorumView view) {
    List<Member> voters = view.voterMembers();
    if (voters.stream().noneMatch(m -> m.nodeId() == nodeId) || voters.size() == 1) {
      // A quorum of one voter has no restart that keeps it, whatever the order: as a partition
      // of replication factor 1, it does not hold the roll, or a one-voter cluster would never
      // load a renewed certificate or a new version. The restart's reason says what it costs.
      return null;
    }
    long others =
        voters.stream().filter(m -> m.nodeId() != nodeId && m.health() == Health.CaughtUp).count();
    if (others < QuorumMath.majority(voters.size())) {
      return "restarting voter "
          + nodeId
          + " would leave "
          + others
          + " of "
          + voters.size()
          + " voters caught up, fewer than a majority";
    }
    return null;
  }

  private static boolean soleVoter(RollPod p, QuorumView view) {
    return view.voterMembers().size() == 1 && voter(p, view).isPresent();
  }

  private static Optional<Member> voter(RollPod p, QuorumView view) {
    return p.controller()
        ? view.voterMembers().stream().filter(m -> m.nodeId() == p.nodeId()).findFirst()
        : Optional.empty();
  }

  private static String describe(RollPod p, QuorumView view) {
    Optional<Member> member = voter(p, view);
    String role = member.map(m -> m.role() == Role.Leader ? "leader" : "follower").orElse(null);
    if (role == null) {
      role = p.controller() ? "non-voting controller" : "broker";
    }
    return role + " " + p.pod();
  }
}
