package io.quorumkeeper.operator.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.quorum.Operation.Phase;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * docs/design.md section 6's invariants over sequences: a cluster of 3 or 5 voters and up to 2
 * spares, then random events between planner steps (voters die and return, disks are wiped, the
 * leader moves, the operation's new voter dies or is reformatted, Kafka commits a change at once,
 * later or never, the agents answer or not). Kafka's leader keeps reporting incarnations that no
 * longer run, as it does. Each planner step is applied to {@link KafkaModel} as the executor would,
 * and checked.
 */
class HealingPlannerSequenceTest {

  static final long RESEND_AFTER = HealingPolicy.SETTLE_AFTER.toMillis();

  enum Kind {
    Tick,
    VoterDies,
    NodeReturns,
    DiskWiped,
    CatchesUp,
    LeaderMoves,
    NodeNotReady,
    TargetDies,
    TargetWiped,
    KafkaCommits,
    KafkaDrops,
    HealingToggled,
    AgentsToggled
  }

  /** One thing that happens after {@code advanceMs}; {@code commitsAtOnce}: the next send lands. */
  record Event(Kind kind, int pick, long advanceMs, boolean commitsAtOnce) {}

  record Scenario(int voters, int spares, List<Event> events) {}

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<Event> event =
        Combinators.combine(
                Arbitraries.of(Kind.values()),
                Arbitraries.integers().between(0, 9),
                Arbitraries.longs().between(0, 40_000),
                Arbitraries.of(true, false))
            .as(Event::new);
    return Combinators.combine(
            Arbitraries.of(3, 5),
            Arbitraries.integers().between(0, 2),
            event.list().ofMinSize(1).ofMaxSize(40))
        .as(Scenario::new);
  }

  @Property(tries = 400)
  void everyStepOfEverySequenceKeepsTheInvariants(@ForAll("scenarios") Scenario scenario) {
    Run run = new Run(scenario.voters(), scenario.spares());
    for (Event event : scenario.events()) {
      run.happen(event);
      run.step(event.commitsAtOnce());
      run.step(event.commitsAtOnce()); // a second pass on the same facts changes nothing unsafe
    }
  }

  /** The planner and an executor in the model: status.operation, its send time, ReportOnly. */
  static final class Run {
    final KafkaModel kafka;
    final int desired;
    Operation status;
    long sentAt;
    boolean blocked;

    Run(int voters, int spares) {
      kafka = new KafkaModel(voters, spares);
      desired = voters;
    }

    void happen(Event e) {
      kafka.advance(e.advanceMs());
      List<Integer> ids = List.copyOf(kafka.nodes.keySet());
      int any = ids.get(Math.floorMod(e.pick(), ids.size()));
      List<Incarnation> voters = List.copyOf(kafka.voters);
      Integer target = status == null || status.add() == null ? null : status.add().nodeId();
      switch (e.kind()) {
        case Tick -> {}
        case VoterDies -> {
          if (!voters.isEmpty()) {
            kafka.kill(voters.get(Math.floorMod(e.pick(), voters.size())).nodeId());
          }
        }
        case NodeReturns -> kafka.revive(any);
        case DiskWiped -> kafka.wipe(any);
        case CatchesUp -> kafka.nodes.values().forEach(n -> n.lagging = false);
        case LeaderMoves -> kafka.moveLeader(e.pick());
        case NodeNotReady -> kafka.nodes.get(any).nodeNotReady = kafka.nodes.get(any).alive;
        case TargetDies -> kafka.kill(target == null ? any : target);
        case TargetWiped -> kafka.wipe(target == null ? any : target);
        case KafkaCommits -> kafka.resolve();
        case KafkaDrops -> kafka.pending = null;
        case HealingToggled -> blocked = !blocked;
        case AgentsToggled -> kafka.agentsAnswer = !kafka.agentsAnswer;
      }
      kafka.elect();
    }

    void step(boolean commitsAtOnce) {
      HealingPolicy policy =
          HealingPolicy.auto(desired)
              .blocked(blocked ? "healing.mode is ReportOnly" : null)
              .withStranded(kafka.stranded());
      Optional<QuorumView> view = kafka.view();
      Optional<Operation> inFlight =
          Optional.ofNullable(status).map(op -> op.sent(Duration.ofMillis(kafka.now - sentAt)));

      Action action = HealingPlanner.plan(policy, view, inFlight);

      if (!policy.mayAct()) { // invariant 7
        assertThat(action).isNotInstanceOfAny(Action.Membership.class, Action.DeletePod.class);
      }
      if (action instanceof Action.Membership m) {
        send(m.operation(), view, commitsAtOnce);
      } else if (action instanceof Action.Complete || action instanceof Action.Abandon) {
        assertThat(kafka.pending).as("cleared while Kafka may still commit it").isNull();
        status = null;
      } else if (action instanceof Action.DeletePod d) {
        deletePod(d, policy);
      }
      // invariant 6: never more than one change above the desired count, never shrunk to heal;
      // below it only as far as removals of incarnations no node runs took it (checked at send)
      assertThat(kafka.voters.size()).isLessThanOrEqualTo(desired + 1);
    }

    private void send(Operation op, Optional<QuorumView> view, boolean commitsAtOnce) {
      assertThat(view).isPresent(); // invariant 1: a known leader
      assertThat(kafka.leader).isPresent();
      if (status != null) { // invariant 5: the operation in status, never another
        assertThat(List.of(op.kind(), String.valueOf(op.remove()), String.valueOf(op.add())))
            .isEqualTo(
                List.of(
                    status.kind(), String.valueOf(status.remove()), String.valueOf(status.add())));
      }
      boolean sentRecently =
          status != null && status.phase() == op.phase() && kafka.now - sentAt < RESEND_AFTER;
      status = new Operation(op.kind(), op.remove(), op.add(), op.phase());
      if (sentRecently) {
        return; // the executor does not send a phase again before RESEND_AFTER
      }
      assertThat(kafka.pending).as("a change while another is uncommitted").isNull();
      Incarnation target = op.phase() == Phase.Removing ? op.remove() : op.add();
      if (op.phase() == Phase.Removing) { // invariant 2
        Set<Incarnation> remaining = new LinkedHashSet<>(kafka.voters);
        remaining.remove(target);
        assertThat(kafka.majorityLive(remaining)).as("removing %s", target).isTrue();
        if (kafka.voters.size() < desired) { // invariant 6 (ADR 040): short, only a diskless one
          assertThat(op.kind())
              .as("removing %s while short", target)
              .isEqualTo(Operation.Kind.ReplaceVoter);
        }
        if (op.kind() == Operation.Kind.ReplaceVoter) { // only a voter whose node runs another disk
          assertThat(kafka.nodes.get(target.nodeId()).dir)
              .as("replacing %s", target)
              .isNotEqualTo(target.directoryId());
        }
      } else { // invariant 3
        assertThat(kafka.liveCaughtUp(target)).as("adding %s", target).isTrue();
        assertThat(kafka.voters).noneMatch(v -> v.nodeId() == target.nodeId());
      }
      kafka.pending = new KafkaModel.Pending(op.phase(), target, kafka.now);
      sentAt = kafka.now;
      if (commitsAtOnce) {
        kafka.resolve();
      }
    }

    private void deletePod(Action.DeletePod d, HealingPolicy policy) {
      int id = Integer.parseInt(d.pod().substring(2));
      KafkaModel.Node node = kafka.nodes.get(id);
      assertThat(node.alive).as("deleting %s while Kafka hears from it", d.pod()).isFalse();
      assertThat(kafka.now - node.silentSince)
          .isGreaterThanOrEqualTo(policy.strandedGrace().toMillis());
      assertThat(d.uid()).isEqualTo("uid-" + id);
      kafka.revive(id); // the StatefulSet re-creates the pod on its disk
    }
  }
}
