package io.quorumkeeper.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.quorumkeeper.operator.api.v1alpha1.status.QuorumStatus;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.Health;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.Role;
import io.quorumkeeper.operator.status.QuorumReport.Notice;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The events a sequence of observations deserves, from the report alone (no API, no Kafka). */
class QuorumReportTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Duration REFRESH = Duration.ofSeconds(30);

  @Test
  void givenLeaderZero_whenNextObservationSeesLeaderTwo_thenOneLeaderChanged() {
    QuorumStatus first = report(null, view(0, 1)).status();

    List<Notice> notices = report(first, view(2, 2)).notices();

    assertThat(notices)
        .containsExactly(new Notice(EventReason.LeaderChanged, false, "leader 0 → 2 at epoch 2"));
  }

  @Test
  void
      givenLeaderKilled_whenAnObservationDuringTheElectionFails_thenLeaderChangedStillNamesOldAndNew() {
    QuorumStatus healthy = report(null, view(0, 1)).status();
    QuorumReport duringElection = report(healthy, Optional.empty());
    assertThat(duringElection.status().getLeaderId()).isNull();

    List<Notice> notices = report(duringElection.status(), view(1, 2)).notices();

    assertThat(notices)
        .extracting(Notice::reason, Notice::message)
        .containsExactly(
            tuple(EventReason.LeaderChanged, "leader 0 → 1 at epoch 2"),
            tuple(EventReason.QuorumRestored, "leader 1 elected at epoch 2"));
  }

  @Test
  void givenQuorumLostAndRegained_whenTheSameNodeLeadsAgain_thenNoLeaderChanged() {
    QuorumStatus healthy = report(null, view(0, 1)).status();
    QuorumStatus lost = report(healthy, Optional.empty()).status();
    QuorumStatus stillLost = report(lost, Optional.empty()).status();

    List<Notice> notices = report(stillLost, view(0, 3)).notices();

    assertThat(notices).extracting(Notice::reason).containsExactly(EventReason.QuorumRestored);
  }

  @Test
  void givenLeaderSeenMomentsAgo_whenAnObservationFindsNone_thenElectingNotQuorumLost() {
    QuorumStatus healthy = report(null, view(0, 1)).status();

    QuorumReport electing =
        QuorumReport.of(
            healthy,
            Optional.empty(),
            "no controller answered",
            3,
            T0,
            REFRESH,
            T0.minusSeconds(3));
    QuorumReport lost =
        QuorumReport.of(
            healthy,
            Optional.empty(),
            "no controller answered",
            3,
            T0,
            REFRESH,
            T0.minus(QuorumReport.ELECTION_GRACE));

    assertThat(electing.notices()).isEmpty();
    assertThat(electing.status()).isSameAs(healthy);
    assertThat(electing.verdict().reason()).isEqualTo("Electing");
    assertThat(lost.notices())
        .extracting(Notice::reason, Notice::message)
        .containsExactly(
            tuple(
                EventReason.QuorumLost,
                "no controller reports a leader (last leader 0 at epoch 1)"));
    assertThat(lost.status().getLeaderId()).isNull();
    assertThat(lost.verdict().reason()).isEqualTo("NoLeader");
  }

  @Test
  void givenKafkaSilentAfterFailover_whenTheNewLeadersAgentSaysSo_thenStatusNamesItAtOnce() {
    QuorumStatus healthy = report(null, view(0, 1)).status();
    Map<Integer, AgentReport> agents =
        Map.of(
            1, new AgentReport(1, "dir1", "Leader", 1, 2),
            2, new AgentReport(2, "dir2", "Follower", 1, 2));

    QuorumReport seen = byAgents(healthy, agents);

    assertThat(seen.status().getLeaderId()).isEqualTo(1);
    assertThat(seen.status().getLeaderEpoch()).isEqualTo(2L);
    assertThat(seen.status().getMembers())
        .extracting(m -> m.getNodeId(), m -> m.getRole())
        .containsExactly(tuple(0, "Follower"), tuple(1, "Leader"), tuple(2, "Follower"));
    assertThat(seen.verdict().healthy()).isFalse();
    assertThat(seen.verdict().reason()).isEqualTo("LeaderUnconfirmed");
    assertThat(seen.notices())
        .extracting(Notice::reason, Notice::message)
        .containsExactly(
            tuple(
                EventReason.LeaderChanged,
                "leader 0 → 1 at epoch 2 (by its own agent; Kafka's Admin API has not answered"
                    + " yet)"));
    // Kafka's next description of the same leader is no second change
    assertThat(report(seen.status(), view(1, 2)).notices()).isEmpty();
    assertThat(healthy.getMembers()).extracting(m -> m.getRole()).startsWith("Leader");
  }

  @Test
  void givenKafkaSilent_whenNoAgentLeadsANewerEpoch_thenNoLeaderIsTakenFromThem() {
    QuorumStatus healthy = report(null, view(0, 2)).status();

    // an older epoch's leader (a zombie), a follower's belief, a leader without an epoch
    QuorumReport stale = byAgents(healthy, Map.of(1, new AgentReport(1, "dir1", "Leader", 1, 1)));
    QuorumReport hearsay =
        byAgents(healthy, Map.of(1, new AgentReport(1, "dir1", "Follower", 2, 3)));
    QuorumReport noEpoch =
        byAgents(healthy, Map.of(1, new AgentReport(1, "dir1", "Leader", 1, null)));
    QuorumReport neverDescribed =
        byAgents(null, Map.of(1, new AgentReport(1, "dir1", "Leader", 1, 3)));

    assertThat(List.of(stale, hearsay, noEpoch))
        .allSatisfy(r -> assertThat(r.verdict().reason()).isEqualTo("Electing"));
    assertThat(neverDescribed.status().getLeaderId()).isNull();
  }

  @Test
  void givenQuorumLost_whenANewLeadersAgentSaysSoFirst_thenQuorumRestoredOnce() {
    QuorumStatus healthy = report(null, view(0, 1)).status();
    QuorumStatus lost = report(healthy, Optional.empty()).status();
    assertThat(lost.getLeaderId()).isNull();

    QuorumReport seen = byAgents(lost, Map.of(2, new AgentReport(2, "dir2", "leader", 2, 3)));

    assertThat(seen.notices())
        .extracting(Notice::reason, Notice::message)
        .containsExactly(
            tuple(
                EventReason.LeaderChanged,
                "leader 0 → 2 at epoch 3 (by its own agent; Kafka's Admin API has not answered"
                    + " yet)"),
            tuple(EventReason.QuorumRestored, "leader 2 elected at epoch 3"));
    assertThat(report(seen.status(), view(2, 3)).notices()).isEmpty();
  }

  private static QuorumReport byAgents(QuorumStatus previous, Map<Integer, AgentReport> agents) {
    return QuorumReport.of(
        previous,
        Optional.empty(),
        "no controller answered",
        3,
        T0,
        REFRESH,
        T0.minusSeconds(1),
        agents);
  }

  @Test
  void givenNeverObserved_whenFirstLeaderSeen_thenNoEvent() {
    assertThat(report(null, view(1, 1)).notices()).isEmpty();
    assertThat(report(new QuorumStatus(), view(1, 1)).notices()).isEmpty();
  }

  private static QuorumReport report(QuorumStatus previous, Optional<QuorumView> view) {
    return QuorumReport.of(previous, view, "no controller answered", 3, T0, REFRESH);
  }

  /** Three caught-up voters, {@code leader} leading at {@code epoch}. */
  private static Optional<QuorumView> view(int leader, long epoch) {
    List<Member> members = new ArrayList<>();
    for (int id = 0; id < 3; id++) {
      members.add(
          new Member(
              id,
              "orders-node-" + id,
              "dir" + id,
              id == leader ? Role.Leader : Role.Follower,
              0,
              0,
              Health.CaughtUp));
    }
    return Optional.of(new QuorumView(OptionalInt.of(leader), epoch, 100, 3, 1, members));
  }
}
