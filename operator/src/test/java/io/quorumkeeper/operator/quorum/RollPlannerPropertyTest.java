package io.quorumkeeper.operator.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariant 8 of DESIGN.md over random situations: whatever the pods, the quorum's health and the
 * ISRs, a restart the planner asks for breaks none of the guards.
 */
class RollPlannerPropertyTest {

  @Provide
  Arbitrary<RollFacts> facts() {
    return Arbitraries.randomValue(RollCases::random);
  }

  private static RollPod restarted(RollFacts facts) {
    RollAction action = RollPlanner.plan(facts, null);
    if (!(action instanceof RollAction.Restart restart)) {
      return null;
    }
    return facts.pods().stream()
        .filter(p -> p.pod().equals(restart.pod()))
        .findFirst()
        .orElseThrow();
  }

  @Property(tries = 2000)
  void neverTwoPodsAtOnce(@ForAll("facts") RollFacts facts) {
    RollPod pod = restarted(facts);
    if (pod != null) {
      assertThat(pod.outdated()).isTrue();
      assertThat(facts.pods())
          .filteredOn(p -> !p.pod().equals(pod.pod()))
          .allSatisfy(p -> assertThat(RollPlanner.notBack(p, facts)).isNull())
          .allSatisfy(p -> assertThat(p.ready()).isTrue());
    }
  }

  @Property(tries = 2000)
  void neverBelowACaughtUpMajority(@ForAll("facts") RollFacts facts) {
    RollPod pod = restarted(facts);
    if (pod != null) {
      QuorumView view = facts.view().orElseThrow();
      assertThat(view.hasLeader()).isTrue();
      List<Member> voters = view.voterMembers();
      long others =
          voters.stream()
              .filter(m -> m.health() == Health.CaughtUp)
              .filter(m -> !(pod.controller() && m.nodeId() == pod.nodeId()))
              .count();
      // A quorum of one voter has no restart that keeps it: the only exception.
      if (voters.size() > 1) {
        assertThat(others).isGreaterThanOrEqualTo(QuorumMath.majority(voters.size()));
      }
      assertThat(facts.membershipInFlight()).isFalse();
    }
  }

  @Property(tries = 2000)
  void theLeaderGoesLast(@ForAll("facts") RollFacts facts) {
    RollPod pod = restarted(facts);
    QuorumView view = facts.view().orElse(null);
    if (pod != null && pod.controller() && view.leaderId().getAsInt() == pod.nodeId()) {
      assertThat(facts.pods())
          .filteredOn(p -> !p.pod().equals(pod.pod()))
          .noneMatch(RollPod::outdated);
    }
  }

  @Property(tries = 2000)
  void noPartitionDropsBelowMinIsr(@ForAll("facts") RollFacts facts) {
    RollPod pod = restarted(facts);
    if (pod != null && pod.broker()) {
      assertThat(facts.partitions()).isPresent();
      assertThat(facts.partitions().get())
          .allSatisfy(
              i -> {
                // A partition with no more replicas than min.insync.replicas cannot be kept
                // above it by any order, and does not hold a roll.
                if (i.isr().contains(pod.nodeId()) && i.replicas().size() > i.minIsr()) {
                  assertThat(i.isr().size() - 1).isGreaterThanOrEqualTo(i.minIsr());
                }
              });
    }
  }

  @Property(tries = 2000)
  void aRecordedRestartIsRepeatedOnlyOnTheSamePodObject(@ForAll("facts") RollFacts facts) {
    RollAction action = RollPlanner.plan(facts, null);
    if (action instanceof RollAction.Restart restart && facts.inFlight().isPresent()) {
      RollStep step = facts.inFlight().get();
      if (restart.pod().equals(step.pod())) {
        assertThat(restart.uid()).isEqualTo(step.uid());
      }
    }
  }

  @Property(tries = 2000)
  void pausedOrReportOnlyOnlyReports(@ForAll("facts") RollFacts facts) {
    RollAction free = RollPlanner.plan(facts, null);
    RollAction blocked = RollPlanner.plan(facts, "paused");
    if (free instanceof RollAction.Restart) {
      assertThat(blocked).isEqualTo(new RollAction.Blocked(free, "paused"));
    } else {
      assertThat(blocked).isEqualTo(free);
    }
  }
}
