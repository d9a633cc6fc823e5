package io.quorumkeeper.operator.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The roll planner's rules, one situation each: a 3-node Combined cluster, node 0 leads. */
class RollPlannerTest {

  static final Set<Integer> ALL = Set.of(0, 1, 2);

  /** Pods c-0..c-2, Combined, all ready; {@code outdated} lists the outdated node ids. */
  static List<RollPod> pods(Set<Integer> outdated, Set<Integer> notReady) {
    List<RollPod> pods = new ArrayList<>();
    for (int id = 0; id < 3; id++) {
      pods.add(
          new RollPod(
              "c-" + id, "u" + id, id, true, true, outdated.contains(id), !notReady.contains(id)));
    }
    return pods;
  }

  static QuorumView view(int leader, Health... healths) {
    List<Member> members = new ArrayList<>();
    for (int id = 0; id < healths.length; id++) {
      Role role = id == leader ? Role.Leader : Role.Follower;
      members.add(new Member(id, "c-" + id, "d" + id, role, 0, 0, healths[id]));
    }
    return new QuorumView(OptionalInt.of(leader), 1, 1, healths.length, 1, members);
  }

  static final QuorumView HEALTHY = view(0, Health.CaughtUp, Health.CaughtUp, Health.CaughtUp);

  /** One partition replicated on all three, min.insync.replicas=2, with this ISR. */
  static Optional<List<PartitionIsr>> isr(Integer... isr) {
    return Optional.of(List.of(new PartitionIsr("t-0", ALL, Set.of(isr), 2)));
  }

  static RollAction plan(List<RollPod> pods, QuorumView view, Optional<List<PartitionIsr>> isr) {
    return RollPlanner.plan(
        new RollFacts(pods, Optional.of(view), isr, Optional.empty(), false), null);
  }

  static String restarted(RollAction action) {
    assertThat(action).isInstanceOf(RollAction.Restart.class);
    return ((RollAction.Restart) action).pod();
  }

  @Test
  void givenAPodReadyForLessThanTheSettlingTime_thenTheNextWaits_andGoesOnceItHasSettled() {
    Instant now = Instant.parse("2026-12-06T12:00:00Z");
    Duration settle = Duration.ofSeconds(10);
    List<RollPod> pods = new ArrayList<>(pods(Set.of(0, 1), Set.of()));
    // c-2 came back from its restart 4 s ago
    pods.set(
        2, new RollPod("c-2", "u2b", 2, true, true, false, true, null, now.minusSeconds(4), null));

    RollAction early =
        RollPlanner.plan(
            new RollFacts(
                pods, Optional.of(HEALTHY), isr(0, 1, 2), Optional.empty(), false, now, settle),
            null);
    RollAction settled =
        RollPlanner.plan(
            new RollFacts(
                pods,
                Optional.of(HEALTHY),
                isr(0, 1, 2),
                Optional.empty(),
                false,
                now.plusSeconds(6),
                settle),
            null);

    assertThat(early).isInstanceOf(RollAction.Wait.class);
    assertThat(((RollAction.Wait) early).reason())
        .isEqualTo(
            "pod c-2 is ready since 2026-12-06T11:59:56Z, settling until 2026-12-06T12:00:06Z;"
                + " c-1 waits");
    assertThat(restarted(settled)).isEqualTo("c-1");
  }

  @Test
  void givenAPodStuckTerminating_thenTheWaitSaysSoAndSince() {
    Instant deleted = Instant.parse("2026-12-06T11:00:00Z");
    List<RollPod> pods = new ArrayList<>(pods(Set.of(0, 1), Set.of()));
    pods.set(2, new RollPod("c-2", "u2", 2, true, true, false, false, null, null, deleted));

    RollAction action = plan(pods, HEALTHY, isr(0, 1, 2));

    assertThat(action).isInstanceOf(RollAction.Wait.class);
    assertThat(((RollAction.Wait) action).reason())
        .startsWith("pod c-2 is terminating since 2026-12-06T11:00:00Z (on a node that stopped")
        .endsWith("force-deleted); c-1 waits");
  }

  @Test
  void givenTheNextFollowerReadyButNotCaughtUp_thenItIsWaitedForNotRestarted() {
    QuorumView frozen = view(0, Health.CaughtUp, Health.CaughtUp, Health.Lagging);

    RollAction action = plan(pods(ALL, Set.of()), frozen, isr(0, 1, 2));

    assertThat(action).isInstanceOf(RollAction.Wait.class);
    assertThat(((RollAction.Wait) action).reason())
        .contains("controller 2 is not caught up")
        .contains("c-2 waits");
  }

  @Test
  void givenAQuorumOfOneVoterAndASpare_thenTheSpareFirstThenTheVoterAllTheSame() {
    QuorumView one =
        new QuorumView(
            OptionalInt.of(0),
            1,
            1,
            1,
            1,
            List.of(
                new Member(0, "c-0", "d0", Role.Leader, 0, 0, Health.CaughtUp),
                new Member(1, "c-1", "d1", Role.Spare, 0, 0, Health.CaughtUp)));
    List<RollPod> pods =
        List.of(
            new RollPod("c-0", "u0", 0, true, true, true, true),
            new RollPod("c-1", "u1", 1, true, true, true, true));
    Optional<List<PartitionIsr>> isr =
        Optional.of(List.of(new PartitionIsr("t-0", Set.of(0, 1), Set.of(0, 1), 1)));

    assertThat(restarted(plan(pods, one, isr))).isEqualTo("c-1");

    List<RollPod> spareDone =
        List.of(pods.get(0), new RollPod("c-1", "u1b", 1, true, true, false, true));
    RollAction voter = plan(spareDone, one, isr);
    assertThat(restarted(voter)).isEqualTo("c-0");
    assertThat(((RollAction.Restart) voter).reason())
        .contains("leader c-0")
        .contains("the quorum's only voter, so the cluster has no quorum until it is back");
  }

  @Test
  void givenTheAwaitedRestartsPodScaledAway_thenTheRollIsOverNotWaitingForIt() {
    RollAction action =
        RollPlanner.plan(
            new RollFacts(
                pods(Set.of(), Set.of()),
                Optional.of(HEALTHY),
                isr(0, 1, 2),
                Optional.of(new RollStep("c-3", "u3", "c-3 runs an outdated pod template")),
                false),
            null);

    assertThat(action).isInstanceOf(RollAction.None.class);
  }

  @Test
  void givenNothingOutdated_thenNone() {
    assertThat(plan(pods(Set.of(), Set.of()), HEALTHY, isr(0, 1, 2)))
        .isInstanceOf(RollAction.None.class);
  }

  @Test
  void givenAllOutdated_thenTheHighestFollowerFirst_andTheLeaderLast() {
    assertThat(restarted(plan(pods(ALL, Set.of()), HEALTHY, isr(0, 1, 2)))).isEqualTo("c-2");
    assertThat(restarted(plan(pods(Set.of(0, 1), Set.of()), HEALTHY, isr(0, 1, 2))))
        .isEqualTo("c-1");
    assertThat(restarted(plan(pods(Set.of(0), Set.of()), HEALTHY, isr(0, 1, 2)))).isEqualTo("c-0");
  }

  @Test
  void givenARestartedPodNotReady_thenWait() {
    RollAction action = plan(pods(Set.of(0, 1), Set.of(2)), HEALTHY, isr(0, 1));
    assertThat(action).isInstanceOf(RollAction.Wait.class);
    assertThat(((RollAction.Wait) action).reason()).contains("c-2 is not ready");
  }

  @Test
  void givenARestartedControllerNotCaughtUp_thenWait() {
    QuorumView lagging = view(0, Health.CaughtUp, Health.CaughtUp, Health.Lagging);
    RollAction action = plan(pods(Set.of(0, 1), Set.of()), lagging, isr(0, 1, 2));
    assertThat(((RollAction.Wait) action).reason()).contains("controller 2 is not caught up");
  }

  @Test
  void givenABrokerNotBackInAnIsr_thenWait() {
    RollAction action = plan(pods(Set.of(0, 1), Set.of()), HEALTHY, isr(0, 1));
    assertThat(((RollAction.Wait) action).reason()).contains("broker 2 is not in the ISR of t-0");
  }

  @Test
  void givenAFrozenFollower_thenNoVoterRestarts() {
    // Node 1 is frozen: restarting 2 would leave 1 caught-up voter of 3.
    QuorumView frozen = view(0, Health.CaughtUp, Health.Unreachable, Health.CaughtUp);
    List<RollPod> pods = pods(Set.of(0, 2), Set.of());
    RollAction action =
        RollPlanner.plan(
            new RollFacts(pods, Optional.of(frozen), isr(0, 1, 2), Optional.empty(), false), null);
    assertThat(action).isInstanceOf(RollAction.Wait.class);
    assertThat(((RollAction.Wait) action).reason()).contains("controller 1 is not caught up");
  }

  @Test
  void givenTheDownFollowerItselfOutdated_thenItGoesFirst() {
    QuorumView frozen = view(0, Health.CaughtUp, Health.Unreachable, Health.CaughtUp);
    List<RollPod> pods = pods(Set.of(1), Set.of(1));
    // c-1 is down and outdated: restarting it costs nothing, so it goes first.
    assertThat(restarted(plan(pods, frozen, isr(0, 2)))).isEqualTo("c-1");
  }

  @Test
  void givenAPartitionAtMinIsr_thenItsBrokerIsNotRestarted() {
    List<PartitionIsr> tight =
        List.of(
            new PartitionIsr("t-0", ALL, ALL, 2), new PartitionIsr("t-1", ALL, Set.of(1, 2), 2));
    RollAction action = plan(pods(ALL, Set.of()), HEALTHY, Optional.of(tight));
    // t-1 has one replica out of sync: restarting 1 or 2 takes it below; 0 must catch up first.
    assertThat(((RollAction.Wait) action).reason()).contains("t-1");
  }

  @Test
  void givenPartitionsNoOrderCanKeepAvailable_thenTheyDoNotHoldTheRoll() {
    // Replication factor 1, and 2 with min.insync.replicas=2: any restart of a replica takes them
    // below; waiting would stop every roll for ever.
    List<PartitionIsr> unguardable =
        List.of(
            new PartitionIsr("rf1-0", Set.of(2), Set.of(2), 1),
            new PartitionIsr("rf2-0", Set.of(1, 2), Set.of(1, 2), 2));
    RollAction action = plan(pods(Set.of(1, 2), Set.of()), HEALTHY, Optional.of(unguardable));
    assertThat(restarted(action)).isIn("c-1", "c-2");
  }

  @Test
  void givenUnknownIsrs_thenNoBrokerRoleRestarts() {
    RollAction action = plan(pods(ALL, Set.of()), HEALTHY, Optional.empty());
    assertThat(((RollAction.Wait) action).reason()).contains("ISRs are unknown");
  }

  @Test
  void givenNoLeader_orAMembershipChange_thenWait() {
    RollAction lost =
        RollPlanner.plan(
            new RollFacts(
                pods(ALL, Set.of()), Optional.empty(), isr(0, 1, 2), Optional.empty(), false),
            null);
    RollAction healing =
        RollPlanner.plan(
            new RollFacts(
                pods(ALL, Set.of()), Optional.of(HEALTHY), isr(0, 1, 2), Optional.empty(), true),
            null);
    assertThat(((RollAction.Wait) lost).reason()).startsWith("no leader");
    assertThat(((RollAction.Wait) healing).reason()).contains("voter-set change is in flight");
  }

  @Test
  void givenPaused_thenBlockedWithWhatItWouldDo() {
    RollAction action =
        RollPlanner.plan(
            new RollFacts(
                pods(ALL, Set.of()), Optional.of(HEALTHY), isr(0, 1, 2), Optional.empty(), false),
            "paused");
    assertThat(action)
        .isEqualTo(
            new RollAction.Blocked(
                new RollAction.Restart("c-2", "u2", "follower c-2 runs an outdated pod template"),
                "paused"));
  }

  @Test
  void givenARecordedRestartNotCarriedOut_thenTheSamePodObjectAgain() {
    // The operator stopped after writing status.roll and before deleting c-2.
    RollStep step = new RollStep("c-2", "u2", "test");
    RollAction action =
        RollPlanner.plan(
            new RollFacts(
                pods(ALL, Set.of()), Optional.of(HEALTHY), isr(0, 1, 2), Optional.of(step), false),
            null);
    assertThat(action).isInstanceOf(RollAction.Restart.class);
    assertThat(action)
        .isEqualTo(
            new RollAction.Restart("c-2", "u2", "follower c-2 runs an outdated pod template"));
  }

  @Test
  void givenARecordedRestartWhosePodIsNotBack_thenWaitHoldingIt() {
    RollStep step = new RollStep("c-2", "old", "test");
    RollAction action =
        RollPlanner.plan(
            new RollFacts(
                pods(Set.of(0, 1), Set.of(2)),
                Optional.of(HEALTHY),
                isr(0, 1),
                Optional.of(step),
                false),
            null);
    assertThat(action).isInstanceOf(RollAction.Wait.class);
    assertThat(((RollAction.Wait) action).holding()).isEqualTo(step);
  }

  @Test
  void givenTheLastRestartedPodBack_thenNoneAndTheRollIsCleared() {
    RollStep step = new RollStep("c-0", "old", "test");
    assertThat(
            RollPlanner.plan(
                new RollFacts(
                    pods(Set.of(), Set.of()),
                    Optional.of(HEALTHY),
                    isr(0, 1, 2),
                    Optional.of(step),
                    false),
                null))
        .isInstanceOf(RollAction.None.class);
  }

  @Test
  void givenSeparated_thenSparesFollowersBrokersAndTheLeaderLast() {
    List<RollPod> pods = new ArrayList<>();
    for (int id = 0; id < 4; id++) {
      pods.add(new RollPod("c-" + id, "u" + id, id, true, false, true, true));
    }
    pods.add(new RollPod("b-0", "ub", 100, false, true, true, true));
    List<Member> members = new ArrayList<>();
    members.add(new Member(0, "c-0", "d0", Role.Leader, 0, 0, Health.CaughtUp));
    members.add(new Member(1, "c-1", "d1", Role.Follower, 0, 0, Health.CaughtUp));
    members.add(new Member(2, "c-2", "d2", Role.Follower, 0, 0, Health.CaughtUp));
    members.add(new Member(3, "c-3", "d3", Role.Spare, 0, 0, Health.CaughtUp));
    QuorumView view = new QuorumView(OptionalInt.of(0), 1, 1, 3, 1, members);
    List<String> order = new ArrayList<>();
    Optional<List<PartitionIsr>> none = Optional.of(List.of());
    for (int i = 0; i < 5; i++) {
      String pod = restarted(plan(pods, view, none));
      order.add(pod);
      pods.replaceAll(
          p ->
              p.pod().equals(pod)
                  ? new RollPod(p.pod(), "new", p.nodeId(), p.controller(), p.broker(), false, true)
                  : p);
    }
    assertThat(order).containsExactly("c-3", "c-2", "c-1", "b-0", "c-0");
  }

  @Test
  void givenAPodWhoseKafkaVersionChanges_thenTheRestartSaysSo() {
    List<RollPod> pods =
        List.of(
            new RollPod("c-0", "u0", 0, true, true, true, true, "Kafka version 4.3.1 -> 4.4.0"),
            new RollPod("c-1", "u1", 1, true, true, false, true),
            new RollPod("c-2", "u2", 2, true, true, false, true));

    RollAction action = plan(pods, HEALTHY, isr(0, 1, 2));

    assertThat(restarted(action)).isEqualTo("c-0");
    assertThat(((RollAction.Restart) action).reason())
        .endsWith("runs an outdated pod template: Kafka version 4.3.1 -> 4.4.0");
  }
}
