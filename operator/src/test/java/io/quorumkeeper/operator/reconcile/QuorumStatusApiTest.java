package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.MemberStatus;
import io.quorumkeeper.operator.model.SecretModel;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.status.QuorumReport;
import io.quorumkeeper.operator.testing.ApiCall;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The quorum as users see it: status.quorum, QuorumHealthy, events, and no churn when idle. */
class QuorumStatusApiTest {

  ApiHarness api;
  QuorumScript quorum;

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(Path.of("../examples/combined.yaml"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenHealthyQuorum_thenStatusShowsLeaderVotersToleranceAndMembers() {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              var q = cr.getStatus().getQuorum();
              assertThat(q.getLeaderId()).isZero();
              assertThat(q.getLeaderEpoch()).isEqualTo(1L);
              assertThat(q.getVoterSummary()).isEqualTo("3/3");
              assertThat(q.getFaultTolerance()).isEqualTo(1);
              assertThat(q.getMembers())
                  .extracting(
                      MemberStatus::getNodeId, MemberStatus::getRole, MemberStatus::getHealth)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple(0, "Leader", "CaughtUp"),
                      org.assertj.core.groups.Tuple.tuple(1, "Follower", "CaughtUp"),
                      org.assertj.core.groups.Tuple.tuple(2, "Follower", "CaughtUp"));
              assertThat(condition(cr, Conditions.QUORUM_HEALTHY)).isEqualTo("True");
              assertThat(cr.getStatus().getBootstrap().isFormed()).isTrue();
            });
    assertThat(
            api.meters()
                .get("quorumkeeper.quorum.fault.tolerance")
                .tags("namespace", NAMESPACE, "cluster", "orders")
                .gauge()
                .value())
        .isEqualTo(1.0);
    assertThat(api.meters().get("quorumkeeper.quorum.member.lag").gauges()).hasSize(3);
    await()
        .untilAsserted(
            () ->
                assertThat(api.bootstrapProperties("orders-node")).contains("cluster.formed=true"));
  }

  @Test
  void givenLeaderMoves_thenStatusAndOneLeaderChangedEvent() {
    await().until(() -> Integer.valueOf(0).equals(leader()));

    quorum.leader(2, 2);

    await().until(() -> Integer.valueOf(2).equals(leader()));
    await()
        .untilAsserted(
            () ->
                assertThat(events("LeaderChanged"))
                    .singleElement()
                    .extracting(Event::getMessage)
                    .isEqualTo("leader 0 → 2 at epoch 2"));
    assertThat(api.get("orders").getStatus().getQuorum().getLeaderEpoch()).isEqualTo(2L);
    assertThat(api.meters().get("quorumkeeper.leader.changes").counter().count()).isEqualTo(1.0);
  }

  @Test
  void givenKafkaStillAsksTheDeadLeader_whenTheNewLeadersAgentSaysSo_thenStatusNamesItAtOnce() {
    await().until(() -> Integer.valueOf(0).equals(leader()));
    // node 2 says it leads epoch 2 while Kafka's Admin API still describes epoch 1: Kafka's answer
    // comes in time and wins
    quorum.agents.put(1, new AgentReport(1, "dir1", "follower", 2, 2));
    quorum.agents.put(2, new AgentReport(2, "dir2", "leader", 2, 2));
    await().until(() -> api.quorum().describes(NAMESPACE + "/orders") > 3);
    await().during(Duration.ofMillis(600)).until(() -> Integer.valueOf(0).equals(leader()));

    // now every describe hangs (an Admin client asking the dead leader) for 10 s
    quorum.slow(Duration.ofSeconds(10));
    quorum.leader(2, 2);

    await()
        .atMost(Duration.ofSeconds(7)) // the hang is 10 s
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(cr.getStatus().getQuorum().getLeaderId()).isEqualTo(2);
              assertThat(cr.getStatus().getQuorum().getLeaderEpoch()).isEqualTo(2L);
              assertThat(
                      Conditions.find(cr.getStatus().getConditions(), Conditions.QUORUM_HEALTHY)
                          .get()
                          .getReason())
                  .isEqualTo("LeaderUnconfirmed");
              assertThat(message(cr, Conditions.QUORUM_HEALTHY))
                  .startsWith("node 2 reports itself leader at epoch 2; Kafka's Admin API");
            });
    await()
        .untilAsserted(
            () ->
                assertThat(events("LeaderChanged"))
                    .singleElement()
                    .extracting(Event::getMessage)
                    .isEqualTo(
                        "leader 0 → 2 at epoch 2 (by its own agent; Kafka's Admin API has not"
                            + " answered yet)"));

    quorum.slow(Duration.ZERO);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(condition(api.get("orders"), Conditions.QUORUM_HEALTHY))
                    .isEqualTo("True"));
    assertThat(events("LeaderChanged")).hasSize(1);
  }

  @Test
  void givenKafkaHangs_whenTheElectionEndsDuringTheCall_thenTheNewLeaderShowsBeforeKafkaAnswers() {
    await().until(() -> Integer.valueOf(0).equals(leader()));
    quorum.agents.put(0, new AgentReport(0, "dir0", "leader", 0, 1));
    quorum.agents.put(2, new AgentReport(2, "dir2", "follower", 0, 1));

    // a describe starts and hangs for 10 s (asking the dead leader); the election ends meanwhile
    quorum.slow(Duration.ofSeconds(10));
    await().until(quorum::answering);
    quorum.agents.remove(0);
    quorum.agents.put(2, new AgentReport(2, "dir2", "leader", 2, 2));
    quorum.leader(2, 2);
    long electedAt = System.nanoTime();

    await().atMost(Duration.ofSeconds(7)).until(() -> Integer.valueOf(2).equals(leader()));
    assertThat(Duration.ofNanos(System.nanoTime() - electedAt))
        .as("shown while Kafka's call still hangs")
        .isLessThan(Duration.ofSeconds(8));
    quorum.slow(Duration.ZERO);
  }

  @Test
  void givenFollowerLags_thenToleranceDropsWithReasonAndReturnsWhenCaughtUp() {
    await().until(() -> Integer.valueOf(1).equals(tolerance()));

    quorum.lagging(1, 40);

    await()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(cr.getStatus().getQuorum().getFaultTolerance()).isZero();
              assertThat(condition(cr, Conditions.QUORUM_HEALTHY)).isEqualTo("False");
              assertThat(message(cr, Conditions.QUORUM_HEALTHY))
                  .isEqualTo("tolerates 0 of 1 voter failures: voter 1 Lagging");
            });
    // the event is written after the status that reports the lag: wait for it too
    await()
        .untilAsserted(
            () ->
                assertThat(events("VoterLagging"))
                    .extracting(Event::getMessage)
                    .containsExactly("voter 1 (orders-node-1) is Lagging"));

    quorum.caughtUp(1);

    await().until(() -> Integer.valueOf(1).equals(tolerance()));
    assertThat(condition(api.get("orders"), Conditions.QUORUM_HEALTHY)).isEqualTo("True");
  }

  @Test
  void givenNoLeader_thenQuorumLostIsReportedLastKnownStateKeptAndRestoredLater() {
    await().until(() -> Integer.valueOf(0).equals(leader()));

    quorum.agents.put(0, new AgentReport(0, "dir0", "candidate", null, 5));
    quorum.agents.put(2, new AgentReport(2, "dir2", "unattached", null, 5));
    quorum.noLeader(true);

    // first an election as far as anyone can tell: the last status stands, no QuorumLost yet
    await()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(
                        Conditions.find(
                                api.get("orders").getStatus().getConditions(),
                                Conditions.QUORUM_HEALTHY)
                            .get()
                            .getReason())
                    .isEqualTo("Electing"));
    assertThat(api.get("orders").getStatus().getQuorum().getLeaderId()).isZero();
    assertThat(events("QuorumLost")).isEmpty();
    // then, past the election grace, a lost quorum
    await()
        .atMost(QuorumReport.ELECTION_GRACE.plusSeconds(20))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(condition(cr, Conditions.QUORUM_HEALTHY)).isEqualTo("False");
              // each controller's own view, from its agent, with the token of the cluster's Secret
              assertThat(message(cr, Conditions.QUORUM_HEALTHY))
                  .contains(
                      "node 0: candidate, epoch 5, node 1: no answer, node 2: unattached, epoch 5");
              assertThat(quorum.agentToken).isEqualTo(agentToken("orders"));
              assertThat(cr.getStatus().getConditions())
                  .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("NoLeader"));
              assertThat(cr.getStatus().getQuorum().getLeaderId()).isNull();
              assertThat(cr.getStatus().getQuorum().getMembers()).hasSize(3);
              assertThat(message(cr, Conditions.QUORUM_HEALTHY)).contains("last observed");
            });
    // posted just after the status write waited for above
    await().untilAsserted(() -> assertThat(events("QuorumLost")).hasSize(1));

    quorum.noLeader(false);

    await().until(() -> Integer.valueOf(0).equals(leader()));
    await().untilAsserted(() -> assertThat(events("QuorumRestored")).hasSize(1));
  }

  private String agentToken(String cluster) {
    return SecretModel.token(
            api.client()
                .secrets()
                .inNamespace(ApiHarness.NAMESPACE)
                .withName(SecretModel.name(cluster))
                .get())
        .orElseThrow();
  }

  @Test
  void givenIdleHealthyCluster_thenObservationCausesNoApiWrites() {
    await().until(() -> Integer.valueOf(1).equals(tolerance()));
    await().until(() -> condition(api.get("orders"), Conditions.READY) != null);
    api.drainOperatorCalls();
    int observationsBefore = api.quorum().calls();

    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> api.drainOperatorCalls().stream().noneMatch(ApiCall::isWrite));

    assertThat(api.quorum().calls() - observationsBefore)
        .as("the quorum was observed all along (every 200 ms here)")
        .isGreaterThanOrEqualTo(10);
  }

  private Integer leader() {
    QuorumCluster cr = api.get("orders");
    return cr.getStatus() == null || cr.getStatus().getQuorum() == null
        ? null
        : cr.getStatus().getQuorum().getLeaderId();
  }

  private Integer tolerance() {
    QuorumCluster cr = api.get("orders");
    return cr.getStatus() == null || cr.getStatus().getQuorum() == null
        ? null
        : cr.getStatus().getQuorum().getFaultTolerance();
  }

  private List<Event> events(String reason) {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
