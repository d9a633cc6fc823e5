package io.quorumkeeper.operator.quorum;

import static io.quorumkeeper.operator.quorum.Health.CaughtUp;
import static io.quorumkeeper.operator.quorum.Health.DiskLost;
import static io.quorumkeeper.operator.quorum.Health.Lagging;
import static io.quorumkeeper.operator.quorum.Health.Unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.quorum.Operation.Kind;
import io.quorumkeeper.operator.quorum.Operation.Phase;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** One test per row of docs/design.md's healing table, plus the operation lifecycle. */
class HealingPlannerTest {

  static final HealingPolicy AUTO3 = policy(3, null, Map.of());

  static HealingPolicy policy(int voters, String blocked, Map<String, Duration> stranded) {
    Map<String, HealingPolicy.Stranded> pods = new java.util.HashMap<>();
    stranded.forEach((pod, d) -> pods.put(pod, new HealingPolicy.Stranded("uid-" + pod, d)));
    return HealingPolicy.auto(voters).blocked(blocked).withStranded(pods);
  }

  static Action plan(HealingPolicy policy, Views views) {
    return HealingPlanner.plan(policy, Optional.of(views.view()), Optional.empty());
  }

  static Operation op(Action action) {
    assertThat(action).isInstanceOf(Action.Membership.class);
    return ((Action.Membership) action).operation();
  }

  @Test
  void givenHealthyQuorum_thenNothing() {
    assertThat(plan(AUTO3, Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, CaughtUp)))
        .isInstanceOf(Action.None.class);
  }

  @Test
  void givenLaggingFollower_thenOnlyReported() {
    assertThat(plan(AUTO3, Views.voters(CaughtUp, Lagging, CaughtUp)))
        .isInstanceOf(Action.None.class);
  }

  @Test
  void givenDiskLostVoterWithCaughtUpNewIncarnation_thenReplaceSameIdRemovingFirst() {
    Operation op = op(plan(AUTO3, Views.voters(CaughtUp, CaughtUp, DiskLost).reborn(2, CaughtUp)));

    assertThat(op.kind()).isEqualTo(Kind.ReplaceVoter);
    assertThat(op.remove()).isEqualTo(new Incarnation(2, "dir2"));
    assertThat(op.add()).isEqualTo(new Incarnation(2, "new2"));
    assertThat(op.phase()).isEqualTo(Phase.Removing);
  }

  @Test
  void givenDiskLostVoterWhoseNewIncarnationLags_thenWait() {
    assertThat(plan(AUTO3, Views.voters(CaughtUp, CaughtUp, DiskLost).reborn(2, Lagging)))
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenUnreachableVoterAndCaughtUpSpare_thenActivateSpare() {
    Operation op =
        op(plan(AUTO3, Views.voters(CaughtUp, Unreachable, CaughtUp).spare(3, CaughtUp)));

    assertThat(op.kind()).isEqualTo(Kind.ActivateSpare);
    assertThat(op.remove()).isEqualTo(new Incarnation(1, "dir1"));
    assertThat(op.add()).isEqualTo(new Incarnation(3, "dir3"));
  }

  @Test
  void givenVoterDownForLessThanUnreachableAfter_thenWaitEvenWithASpare() {
    Views views =
        Views.voters(CaughtUp, Unreachable, CaughtUp).spare(3, CaughtUp).silentFor(1, 5_000);

    Action action = plan(AUTO3, views);

    assertThat(action).isInstanceOf(Action.Wait.class);
    assertThat(((Action.Wait) action).reason()).contains("spare 3 takes its place once");
    assertThat(plan(AUTO3, views.silentFor(1, 30_000))).isInstanceOf(Action.Membership.class);
  }

  @Test
  void givenSparesInSeveralZones_thenTheSpareOutsideTheVotersZonesIsActivated() {
    Views views =
        Views.voters(CaughtUp, CaughtUp, Unreachable).spare(3, CaughtUp).spare(4, CaughtUp);
    HealingPolicy zoned = AUTO3.withZones(Map.of(0, "a", 1, "b", 2, "c", 3, "a", 4, "c"));

    assertThat(op(plan(zoned, views)).add().nodeId()).isEqualTo(4);
    assertThat(op(plan(AUTO3, views)).add().nodeId()).isEqualTo(3);
  }

  @Test
  void givenLiveVoterOnAPodTheSpecDrops_thenItsSuccessorIsAddedFirstThenItIsRemoved() {
    HealingPolicy shrinking = AUTO3.withRetiring(Set.of(2));

    Operation add =
        op(plan(shrinking, Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, CaughtUp)));
    Operation remove = op(plan(shrinking, Views.voters(CaughtUp, CaughtUp, CaughtUp, CaughtUp)));

    assertThat(add.kind()).isEqualTo(Kind.AddVoter);
    assertThat(add.add()).isEqualTo(new Incarnation(3, "dir3"));
    assertThat(remove.kind()).isEqualTo(Kind.RemoveVoter);
    assertThat(remove.remove()).isEqualTo(new Incarnation(2, "dir2"));
  }

  @Test
  void givenLiveVoterOnAPodTheSpecDropsAndNoSpare_thenWait() {
    HealingPolicy shrinking = AUTO3.withRetiring(Set.of(2, 3));

    Action action = plan(shrinking, Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, CaughtUp));

    assertThat(action).isInstanceOf(Action.Wait.class);
    assertThat(((Action.Wait) action).reason()).contains("on a pod the spec removes");
  }

  @Test
  void givenVotersLoweredWhileTheLeaderIsOnADroppedPod_thenFollowersGoFirstAndTheLeaderLast() {
    HealingPolicy shrinking = policy(3, null, Map.of()).withRetiring(Set.of(0, 3, 4));
    Views five = Views.voters(CaughtUp, CaughtUp, CaughtUp, CaughtUp, CaughtUp);

    assertThat(op(plan(shrinking, five)).remove().nodeId()).isEqualTo(4);
    assertThat(op(plan(shrinking, five.without(4))).remove().nodeId()).isEqualTo(3);
    assertThat(
            op(plan(
                    policy(3, null, Map.of()).withRetiring(Set.of(0)),
                    Views.voters(CaughtUp, CaughtUp, CaughtUp, CaughtUp)))
                .remove()
                .nodeId())
        .isEqualTo(0);
  }

  @Test
  void givenVotersRaised_thenOnlyASpareOnAPodTheSpecKeepsIsAdded() {
    Views views = Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, CaughtUp);

    assertThat(op(plan(policy(5, null, Map.of()), views)).add().nodeId()).isEqualTo(3);
    assertThat(plan(policy(5, null, Map.of()).withRetiring(Set.of(3)), views))
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenUnreachableVoterAndOnlyLaggingSpare_thenWaitNeverShrink() {
    Action action = plan(AUTO3, Views.voters(CaughtUp, Unreachable, CaughtUp).spare(3, Lagging));

    assertThat(action).isInstanceOf(Action.Wait.class);
    assertThat(((Action.Wait) action).reason()).contains("no caught-up spare");
  }

  @Test
  void givenUnreachableVoterOnStrandedPodPastGraceAndNoSpare_thenDeleteThePod() {
    HealingPolicy policy = policy(3, null, Map.of("c-1", Duration.ofMinutes(3)));

    assertThat(plan(policy, Views.voters(CaughtUp, Unreachable, CaughtUp)))
        .isInstanceOfSatisfying(Action.DeletePod.class, a -> assertThat(a.pod()).isEqualTo("c-1"));
    assertThat(
            plan(
                policy(3, null, Map.of("c-1", Duration.ofSeconds(30))),
                Views.voters(CaughtUp, Unreachable, CaughtUp)))
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenFiveVotersTwoDownAndTwoSpares_thenOneReplacementAtATime() {
    Views views =
        Views.voters(CaughtUp, Unreachable, CaughtUp, Unreachable, CaughtUp)
            .spare(5, CaughtUp)
            .spare(6, CaughtUp);

    Operation op = op(plan(policy(5, null, Map.of()), views));

    assertThat(op.remove().nodeId()).isEqualTo(1);
    assertThat(op.add().nodeId()).isEqualTo(5);
  }

  @Test
  void givenThreeVotersTwoDown_thenNothingIsRemoved() {
    Action action =
        plan(AUTO3, Views.voters(CaughtUp, Unreachable, Unreachable).spare(3, CaughtUp));

    assertThat(action).isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenNoLeader_thenWait() {
    assertThat(HealingPlanner.plan(AUTO3, Optional.empty(), Optional.empty()))
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenVotersRaised_thenAddOneCaughtUpSpare() {
    Operation op =
        op(
            plan(
                policy(5, null, Map.of()),
                Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, CaughtUp).spare(4, CaughtUp)));

    assertThat(op.kind()).isEqualTo(Kind.AddVoter);
    assertThat(op.add().nodeId()).isEqualTo(3);
    assertThat(op.phase()).isEqualTo(Phase.Adding);
  }

  @Test
  void givenVotersRaisedButNoCaughtUpSpare_thenWait() {
    assertThat(
            plan(
                policy(5, null, Map.of()),
                Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, Lagging)))
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenVotersLowered_thenRemoveAFollowerNeverTheLeader() {
    Operation op = op(plan(AUTO3, Views.voters(CaughtUp, CaughtUp, CaughtUp, CaughtUp, CaughtUp)));

    assertThat(op.kind()).isEqualTo(Kind.RemoveVoter);
    assertThat(op.remove().nodeId()).isEqualTo(4);
  }

  /**
   * The spec lowers the voters because a node is gone for good and no spare exists: the silent
   * voter is what the shrink removes, and it no longer waits for a spare that will not come (ADR
   * 040). One that stays on the spec's pods goes before a live one that does not: removing it takes
   * no live voter away.
   */
  @Test
  void givenVotersLoweredWhileAVoterIsSilentAndNoSpare_thenTheSilentOneIsRemovedFirst() {
    Operation dropped =
        op(
            plan(
                AUTO3.withRetiring(Set.of(3, 4)),
                Views.voters(CaughtUp, CaughtUp, CaughtUp, CaughtUp, Unreachable)));
    Operation staying =
        op(
            plan(
                AUTO3.withRetiring(Set.of(3, 4)),
                Views.voters(CaughtUp, Unreachable, CaughtUp, CaughtUp, CaughtUp)));

    assertThat(dropped.kind()).isEqualTo(Kind.RemoveVoter);
    assertThat(dropped.remove()).isEqualTo(new Incarnation(4, "dir4"));
    assertThat(staying.kind()).isEqualTo(Kind.RemoveVoter);
    assertThat(staying.remove()).isEqualTo(new Incarnation(1, "dir1"));
  }

  /**
   * Kafka has fewer voters than the spec (a raised count whose pod is Pending) and a voter loses
   * its disk: with no spare to add, its new incarnation still replaces it, or healing waited for
   * ever at a fault tolerance of 0 (ADR 040).
   */
  @Test
  void givenShortOfAVoterWithoutSpare_whenAVoterLosesItsDisk_thenItIsStillReplaced() {
    Operation op =
        op(
            plan(
                policy(5, null, Map.of()),
                Views.voters(CaughtUp, CaughtUp, CaughtUp, DiskLost).reborn(3, CaughtUp)));

    assertThat(op.kind()).isEqualTo(Kind.ReplaceVoter);
    assertThat(op.remove()).isEqualTo(new Incarnation(3, "dir3"));
    assertThat(op.add()).isEqualTo(new Incarnation(3, "new3"));
    assertThat(
            plan(
                policy(5, null, Map.of()),
                Views.voters(CaughtUp, CaughtUp, CaughtUp, DiskLost).reborn(3, Lagging)))
        .as("not before the new incarnation has caught up")
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenVotersLoweredWithALaggingFollower_thenTheLaggingOneGoesFirst() {
    Operation op = op(plan(AUTO3, Views.voters(CaughtUp, Lagging, CaughtUp, CaughtUp, CaughtUp)));

    assertThat(op.remove().nodeId()).isEqualTo(1);
  }

  @Test
  void givenReportOnly_thenTheWantedActionIsOnlyReported() {
    Action action =
        plan(
            policy(3, "healing.mode is ReportOnly", Map.of()),
            Views.voters(CaughtUp, Unreachable, CaughtUp).spare(3, CaughtUp));

    assertThat(action)
        .isInstanceOfSatisfying(
            Action.Blocked.class,
            b -> {
              assertThat(b.reason()).isEqualTo("healing.mode is ReportOnly");
              assertThat(b.wanted()).isInstanceOf(Action.Membership.class);
            });
  }

  @Test
  void givenReplacementRemovedButNotAdded_whenResumed_thenAddPhase() {
    Operation inFlight =
        Operation.start(Kind.ActivateSpare, new Incarnation(1, "dir1"), new Incarnation(3, "dir3"));
    Views afterRemoval = Views.voters(CaughtUp, CaughtUp, CaughtUp).without(1).spare(3, CaughtUp);

    Action action =
        HealingPlanner.plan(AUTO3, Optional.of(afterRemoval.view()), Optional.of(inFlight));

    assertThat(op(action).phase()).isEqualTo(Phase.Adding);
    assertThat(op(action).add()).isEqualTo(new Incarnation(3, "dir3"));
  }

  @Test
  void givenOperationNotYetSent_whenResumedAfterCrash_thenTheSameRemovalIsSentNotASecondChange() {
    Operation inFlight =
        Operation.start(Kind.ActivateSpare, new Incarnation(1, "dir1"), new Incarnation(3, "dir3"));

    Action action =
        HealingPlanner.plan(
            AUTO3,
            Optional.of(
                Views.voters(CaughtUp, Unreachable, CaughtUp)
                    .spare(3, CaughtUp)
                    .spare(4, CaughtUp)
                    .view()),
            Optional.of(inFlight));

    assertThat(op(action)).isEqualTo(inFlight);
  }

  @Test
  void givenAddedVoterIsInTheVoterSet_thenComplete() {
    Operation adding = new Operation(Kind.AddVoter, null, new Incarnation(2, "dir2"), Phase.Adding);

    assertThat(
            HealingPlanner.plan(
                AUTO3,
                Optional.of(Views.voters(CaughtUp, CaughtUp, CaughtUp).view()),
                Optional.of(adding)))
        .isInstanceOf(Action.Complete.class);
  }

  @Test
  void givenAVoterDownMomentsAgo_thenObservedAgainWhenItsSilenceReachesUnreachableAfter() {
    QuorumView view =
        Views.voters(CaughtUp, Unreachable, CaughtUp).spare(3, CaughtUp).silentFor(1, 5_000).view();

    assertThat(HealingPlanner.untilSilenceCounts(view, Duration.ofSeconds(30)))
        .contains(Duration.ofSeconds(25));
    assertThat(HealingPlanner.untilSilenceCounts(view, Duration.ofSeconds(10)))
        .contains(Duration.ofSeconds(5));
    assertThat(HealingPlanner.untilSilenceCounts(view, Duration.ofSeconds(5)))
        .as("voter 1 is due already (this pass acts); next is voter 2, were it to stop now")
        .contains(Duration.ofSeconds(5));
  }

  @Test
  void givenAVoterWhoseFetchesStopped_thenObservedAgainWhenItTurnsUnreachable() {
    Views views = Views.voters(CaughtUp, CaughtUp, CaughtUp);
    views
        .members()
        .set(2, new Member(2, "c-2", "dir2", Role.Follower, 40, 28_800, Lagging, 28_500));

    assertThat(HealingPlanner.untilSilenceCounts(views.view(), Duration.ofSeconds(30)))
        .as("its last fetch, not its last caught-up time, makes it Unreachable")
        .contains(Duration.ofMillis(1_500));
  }

  @Test
  void givenFollowersThatFetchNow_thenTheMomentIsAWholeUnreachableAfterAway() {
    assertThat(
            HealingPlanner.untilSilenceCounts(
                Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, Lagging).view(),
                Duration.ofSeconds(30)))
        .as("were they to stop now; a spare's silence changes nothing the planner does")
        .contains(Duration.ofSeconds(30));
  }
}
