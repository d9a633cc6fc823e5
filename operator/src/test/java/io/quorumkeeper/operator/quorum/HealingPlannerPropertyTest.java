package io.quorumkeeper.operator.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.quorum.Operation.Phase;
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
 * docs/design.md section 6's invariants over random quorums: whatever the voters' health, spares
 * and desired count, no planned step breaks them.
 */
class HealingPlannerPropertyTest {

  /** A random quorum and policy. */
  record Case(QuorumView view, HealingPolicy policy) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<List<Health>> voterHealth =
        Arbitraries.of(Health.values()).list().ofMinSize(1).ofMaxSize(7);
    Arbitrary<List<Health>> spareHealth =
        Arbitraries.of(Health.CaughtUp, Health.Lagging, Health.Unreachable).list().ofMaxSize(3);
    Arbitrary<Integer> desired = Arbitraries.of(1, 3, 5, 7);
    Arbitrary<Boolean> blocked = Arbitraries.of(true, false);
    Arbitrary<Set<Integer>> retiring = Arbitraries.integers().between(0, 9).set().ofMaxSize(3);
    return Combinators.combine(voterHealth, spareHealth, desired, blocked, retiring)
        .as(
            (voters, spares, wanted, isBlocked, dropped) -> {
              Views views = Views.voters(voters.toArray(Health[]::new));
              for (int i = 0; i < spares.size(); i++) {
                views.spare(voters.size() + i, spares.get(i));
              }
              for (int id = 0; id < voters.size(); id++) {
                if (voters.get(id) == Health.DiskLost && id != 0) {
                  views.reborn(id, spares.isEmpty() ? Health.Lagging : spares.get(0));
                }
              }
              return new Case(
                  views.view(),
                  HealingPolicy.auto(wanted)
                      .blocked(isBlocked ? "paused" : null)
                      .withRetiring(dropped));
            });
  }

  @Property
  void removalsLeaveACaughtUpMajorityOfTheRemainingVoters(@ForAll("cases") Case c) {
    Action action = HealingPlanner.plan(c.policy(), Optional.of(c.view()), Optional.empty());

    if (action instanceof Action.Membership m && m.operation().phase() == Phase.Removing) {
      Incarnation leaving = m.operation().remove();
      List<Member> remaining =
          c.view().voterMembers().stream().filter(v -> !Incarnation.of(v).equals(leaving)).toList();
      long caughtUp = remaining.stream().filter(v -> v.health() == Health.CaughtUp).count();
      assertThat(caughtUp).isGreaterThanOrEqualTo(QuorumMath.majority(remaining.size()));
    }
  }

  @Property
  void onlyCaughtUpNonVotersAreAdded(@ForAll("cases") Case c) {
    Action action = HealingPlanner.plan(c.policy(), Optional.of(c.view()), Optional.empty());

    if (action instanceof Action.Membership m && m.operation().add() != null) {
      Incarnation joining = m.operation().add();
      assertThat(c.view().members())
          .anySatisfy(
              v -> {
                assertThat(Incarnation.of(v)).isEqualTo(joining);
                assertThat(v.isVoter()).isFalse();
                assertThat(v.health()).isEqualTo(Health.CaughtUp);
              });
    }
  }

  @Property
  void theVoterSetNeverShrinksToHeal(@ForAll("cases") Case c) {
    Action action = HealingPlanner.plan(c.policy(), Optional.of(c.view()), Optional.empty());

    if (action instanceof Action.Membership m && m.operation().add() == null) {
      assertThat(c.view().voters()).isGreaterThan(c.policy().desiredVoters());
    }
    if (action instanceof Action.Membership m && m.operation().remove() == null) {
      // below the count, or at it while a live voter must leave its pod (added first)
      assertThat(c.view().voters()).isLessThanOrEqualTo(c.policy().desiredVoters());
      if (c.view().voters() == c.policy().desiredVoters()) {
        assertThat(c.view().voterMembers())
            .anyMatch(v -> c.policy().retiring().contains(v.nodeId()));
      }
    }
  }

  @Property
  void aNewVoterIsNeverOnAPodTheSpecDrops(@ForAll("cases") Case c) {
    Action action = HealingPlanner.plan(c.policy(), Optional.of(c.view()), Optional.empty());

    if (action instanceof Action.Membership m
        && m.operation().add() != null
        && m.operation().kind() != Operation.Kind.ReplaceVoter) {
      assertThat(c.policy().retiring()).doesNotContain(m.operation().add().nodeId());
    }
  }

  @Property
  void blockedHealingNeverChangesMembershipOrDeletesPods(@ForAll("cases") Case c) {
    Action action = HealingPlanner.plan(c.policy(), Optional.of(c.view()), Optional.empty());

    if (!c.policy().mayAct()) {
      assertThat(action).isNotInstanceOfAny(Action.Membership.class, Action.DeletePod.class);
    }
  }

  @Property
  void withAnOperationInFlightOnlyThatOperationIsDriven(@ForAll("cases") Case c) {
    Optional<Member> anyVoter =
        c.view().voterMembers().stream().filter(m -> m.role() != Role.Leader).findFirst();
    if (anyVoter.isEmpty()) {
      return;
    }
    Operation inFlight =
        Operation.start(Operation.Kind.RemoveVoter, Incarnation.of(anyVoter.get()), null);

    Action action = HealingPlanner.plan(c.policy(), Optional.of(c.view()), Optional.of(inFlight));

    Action acting = action instanceof Action.Blocked b ? b.wanted() : action;
    if (acting instanceof Action.Membership m) {
      assertThat(m.operation().remove()).isEqualTo(inFlight.remove());
      assertThat(m.operation().add()).isNull();
    }
  }

  @Property
  void noLeaderMeansNoAction(@ForAll("cases") Case c) {
    assertThat(HealingPlanner.plan(c.policy(), Optional.empty(), Optional.empty()))
        .isInstanceOf(Action.Wait.class);
  }
}
