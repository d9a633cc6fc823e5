package io.quorumkeeper.operator.quorum;

import static io.quorumkeeper.operator.quorum.HealingPlannerTest.AUTO3;
import static io.quorumkeeper.operator.quorum.HealingPlannerTest.op;
import static io.quorumkeeper.operator.quorum.HealingPlannerTest.plan;
import static io.quorumkeeper.operator.quorum.HealingPlannerTest.policy;
import static io.quorumkeeper.operator.quorum.Health.CaughtUp;
import static io.quorumkeeper.operator.quorum.Health.DiskLost;
import static io.quorumkeeper.operator.quorum.Health.Lagging;
import static io.quorumkeeper.operator.quorum.Health.Unreachable;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.quorum.Operation.Kind;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Operations whose facts went stale (issue 11): the new voter died or was reformatted mid-way, the
 * quorum was left one voter short, a stranded pod that Kafka still hears from.
 */
class HealingPlannerStaleTest {

  static final Operation ACTIVATE_3 =
      Operation.start(Kind.ActivateSpare, new Incarnation(1, "dir1"), new Incarnation(3, "dir3"));

  static Action resume(Operation inFlight, Views views) {
    return HealingPlanner.plan(AUTO3, Optional.of(views.view()), Optional.of(inFlight));
  }

  /**
   * {@code status.operation} is read back each pass: one written by hand to remove a caught-up
   * voter of a quorum with the voters it asks for (or whose dead voter came back before the removal
   * was sent) was driven to the end, removing a live voter for nothing (ADR 043). Only a removal
   * something calls for is sent; the others are abandoned once nothing sent may commit.
   */
  @Test
  void givenARemovalOfAHealthyVoterNothingCallsFor_thenAbandonedNeverSent() {
    Views healthy = Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, CaughtUp);
    for (Kind kind : Kind.values()) {
      Operation forged =
          Operation.start(kind, new Incarnation(0, "dir0"), new Incarnation(3, "dir3"));

      assertThat(resume(forged, healthy))
          .as(kind.name())
          .isInstanceOfSatisfying(
              Action.Abandon.class,
              a -> assertThat(a.reason()).contains("nothing calls for its removal"));
      assertThat(resume(forged.sent(Duration.ofSeconds(2)), healthy))
          .as("%s sent 2 s ago: it may still commit", kind)
          .isInstanceOf(Action.Wait.class);
    }
    // a Lagging voter may be a dead one a new leader has not led long enough to call silent: the
    // removal waits, neither sent nor given up
    assertThat(resume(ACTIVATE_3, Views.voters(CaughtUp, Lagging, CaughtUp).spare(3, CaughtUp)))
        .isInstanceOfSatisfying(
            Action.Wait.class,
            w -> assertThat(w.reason()).contains("waiting until it is heard or silent"));
    // a voter whose pod looks down but that Kafka heard from 5 s ago (its node NotReady, or the
    // removal resumed after an operator restart once it fetched again) is alive: never sent, given
    // up once nothing sent may commit (a NotReady node can stay so for hours)
    Views heard =
        Views.voters(CaughtUp, Unreachable, CaughtUp).silentFor(1, 5_000).spare(3, CaughtUp);
    assertThat(resume(ACTIVATE_3, heard))
        .isInstanceOfSatisfying(
            Action.Abandon.class,
            a -> assertThat(a.reason()).contains("nothing calls for its removal"));
    assertThat(resume(ACTIVATE_3.sent(Duration.ofSeconds(2)), heard))
        .isInstanceOf(Action.Wait.class);
    // what does call for it: the voter is unreachable and silent for unreachableAfter, or the
    // quorum has more voters than asked
    assertThat(resume(ACTIVATE_3, Views.voters(CaughtUp, Unreachable, CaughtUp).spare(3, CaughtUp)))
        .isInstanceOf(Action.Membership.class);
    Operation shrink = Operation.start(Kind.RemoveVoter, new Incarnation(0, "dir0"), null);
    assertThat(
            HealingPlanner.plan(
                policy(1, null, Map.of()),
                Optional.of(Views.voters(CaughtUp, CaughtUp, CaughtUp).view()),
                Optional.of(shrink)))
        .isInstanceOf(Action.Membership.class);
  }

  @Test
  void givenSpareDiedAfterTheRemovalCommitted_whenTheAddIsSettled_thenAbandon() {
    Operation adding = ACTIVATE_3.adding().sent(Duration.ofSeconds(11));
    Views spareDead =
        Views.voters(CaughtUp, CaughtUp, CaughtUp)
            .without(1)
            .spare(3, Unreachable)
            .spare(4, CaughtUp);

    assertThat(resume(adding, spareDead))
        .isInstanceOfSatisfying(
            Action.Abandon.class, a -> assertThat(a.reason()).contains("3/dir3 is unreachable"));
    assertThat(resume(adding.sent(Duration.ofSeconds(3)), spareDead))
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenRemovalJustCommitted_whenTheSpareIsGone_thenAbandonWithoutWaiting() {
    Operation removing = ACTIVATE_3.sent(Duration.ofSeconds(1)); // the add was never sent
    Views spareGone = Views.voters(CaughtUp, CaughtUp, CaughtUp).without(1).spare(4, CaughtUp);

    assertThat(resume(removing, spareGone))
        .isInstanceOfSatisfying(
            Action.Abandon.class,
            a -> assertThat(a.reason()).contains("no longer a member of the quorum"));
  }

  @Test
  void givenSpareReformattedMidOperation_thenAbandon() {
    Operation adding = ACTIVATE_3.adding();
    Views views = Views.voters(CaughtUp, CaughtUp, CaughtUp).without(1).spare(3, CaughtUp);
    views
        .members()
        .replaceAll(
            m -> m.nodeId() == 3 ? new Member(3, "c-3", "wiped3", Role.Spare, 0, 0, CaughtUp) : m);

    assertThat(resume(adding, views)).isInstanceOf(Action.Abandon.class);
  }

  @Test
  void givenSpareDiedBeforeTheRemoval_whenSettled_thenAbandonAndTheVoterStays() {
    Views views = Views.voters(CaughtUp, Unreachable, CaughtUp).spare(3, Unreachable);

    assertThat(resume(ACTIVATE_3.sent(Duration.ofSeconds(30)), views))
        .isInstanceOfSatisfying(
            Action.Abandon.class, a -> assertThat(a.reason()).contains("1/dir1 stays a voter"));
    assertThat(resume(ACTIVATE_3.sent(Duration.ofSeconds(2)), views))
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenAddVoterWhoseTargetDied_whenSettled_thenAbandon() {
    Operation adding =
        Operation.start(Kind.AddVoter, null, new Incarnation(3, "dir3"))
            .sent(Duration.ofMinutes(1));

    assertThat(resume(adding, Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, Unreachable)))
        .isInstanceOf(Action.Abandon.class);
    assertThat(resume(adding, Views.voters(CaughtUp, CaughtUp, CaughtUp).spare(3, Lagging)))
        .isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenStrandedPodThatKafkaStillHearsFrom_thenItIsNotDeleted() {
    HealingPolicy policy = policy(3, null, Map.of("c-1", Duration.ofMinutes(3)));
    Views fetching = Views.voters(CaughtUp, CaughtUp, CaughtUp);
    // Kubernetes calls the pod down (its node is NotReady), Kafka still hears from it
    fetching
        .members()
        .replaceAll(
            m ->
                m.nodeId() == 1
                    ? new Member(1, "c-1", "dir1", Role.Follower, 0, 0, Unreachable, 0)
                    : m);

    Action action = plan(policy, fetching);

    assertThat(action)
        .isInstanceOfSatisfying(
            Action.Wait.class, w -> assertThat(w.reason()).contains("Kafka heard from it"));
    fetching
        .members()
        .replaceAll(
            m ->
                m.nodeId() == 1
                    ? new Member(1, "c-1", "dir1", Role.Follower, 50, 600_000, Unreachable, 1_000)
                    : m);
    assertThat(plan(policy, fetching)).isInstanceOf(Action.Wait.class);
  }

  @Test
  void givenStrandedPodDeleted_thenOnlyThePodObjectSeenStuck() {
    HealingPolicy policy = policy(3, null, Map.of("c-1", Duration.ofMinutes(3)));

    assertThat(plan(policy, Views.voters(CaughtUp, Unreachable, CaughtUp)))
        .isInstanceOfSatisfying(
            Action.DeletePod.class, d -> assertThat(d.uid()).isEqualTo("uid-c-1"));
  }

  /**
   * One voter short, with a voter whose disk was lost: a spare is added first when there is one;
   * without one the diskless voter is still replaced by its new incarnation, since removing an
   * incarnation that fetches nothing takes no live voter away (ADR 040 amends ADR 007 here).
   */
  @Test
  void givenOneVoterShortAfterAnAbandonedOperation_thenASpareIsAddedBeforeAnyRemoval() {
    HealingPolicy five = policy(5, null, Map.of());
    Views short1 = Views.voters(CaughtUp, CaughtUp, DiskLost, CaughtUp).reborn(2, CaughtUp);

    Operation replace = op(plan(five, short1));
    assertThat(replace.kind()).isEqualTo(Kind.ReplaceVoter);
    assertThat(replace.remove()).isEqualTo(new Incarnation(2, "dir2"));
    Operation add = op(plan(five, short1.spare(5, CaughtUp)));
    assertThat(add.kind()).isEqualTo(Kind.AddVoter);
    assertThat(add.add().nodeId()).isEqualTo(5);
  }

  @Test
  void givenOneVoterShortWithoutASpare_thenAStrandedVotersPodIsStillDeleted() {
    HealingPolicy five = policy(5, null, Map.of("c-1", Duration.ofMinutes(3)));

    assertThat(plan(five, Views.voters(CaughtUp, Unreachable, CaughtUp, CaughtUp)))
        .isInstanceOfSatisfying(Action.DeletePod.class, d -> assertThat(d.pod()).isEqualTo("c-1"));
  }
}
