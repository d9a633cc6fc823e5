package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.config.OperatorSettings;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.MovableClock;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new cluster's quorum is asked of Kafka's Admin API once a controller knows its first leader:
 * before that the describe could only fail, after its whole bound (ADR 003).
 */
class FirstLeaderObservationApiTest {

  private static final String CLUSTER = NAMESPACE + "/orders";

  final MovableClock clock = new MovableClock();
  ApiHarness api;
  QuorumScript quorum;

  private void start(OperatorSettings settings) {
    api = ApiHarness.start(clock, settings);
    quorum = api.quorum().script(CLUSTER, 3);
    // as Kafka answers while a quorum forms: the describe fails (in the fake, at once)
    quorum.noLeader(true);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenANewClusterWhoseControllersKnowNoLeader_thenKafkaIsAskedOnlyOnceOneDoes() {
    start(ApiHarness.SETTINGS);
    electing();
    api.create(Path.of("../examples/combined.yaml"));

    int describes =
        awaitKafkaNotAsked(
            "node 0: starting, node 1: candidate, epoch 1, node 2: unattached, epoch 1");

    // node 1 wins the election: the next round asks Kafka, and the cluster forms on its answer
    quorum.agentsKnow(1, 2).leader(1, 2).noLeader(false);
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(cr.getStatus().getBootstrap().isFormed()).isTrue();
              assertThat(cr.getStatus().getQuorum().getLeaderId()).isEqualTo(1);
            });
    assertThat(api.quorum().describes(CLUSTER)).isGreaterThan(describes);
  }

  /** Node 0's Kafka has not started; 1 and 2 elect: no agent knows a leader. */
  private void electing() {
    quorum.agents.put(0, new AgentReport(0, null, null, null, null));
    quorum.agents.put(1, new AgentReport(1, "dir1", "candidate", null, 1));
    quorum.agents.put(2, new AgentReport(2, "dir2", "unattached", null, 1));
  }

  /**
   * Until status says Kafka was not asked, with the controllers' own {@code views}; then four more
   * rounds ask the agents and none asks Kafka. Returns how often Kafka was asked (a round before
   * the agents' token was readable may have asked it; none after).
   */
  private int awaitKafkaNotAsked(String views) {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(message(api.get("orders"), Conditions.QUORUM_HEALTHY))
                    .contains("Kafka not asked before a first leader is known; " + views));
    int describes = api.quorum().describes(CLUSTER);
    int rounds = quorum.agentRounds.get();
    await().until(() -> quorum.agentRounds.get() >= rounds + 4);
    assertThat(api.quorum().describes(CLUSTER)).isEqualTo(describes);
    return describes;
  }

  @Test
  void givenANewClusterWhoseAgentsNeverAnswer_thenKafkaIsAskedAfterTheGrace() {
    start(ApiHarness.SETTINGS);
    api.create(Path.of("../examples/combined.yaml")); // no agent answers: quorum.agents is empty

    int describes = awaitKafkaNotAsked("node 0: no answer, node 1: no answer, node 2: no answer");

    // agents the operator cannot reach do not keep the cluster from forming: past the grace,
    // Kafka is asked as before, and its answer forms the cluster
    clock.advance(Duration.ofSeconds(21));
    await().until(() -> api.quorum().describes(CLUSTER) > describes);
    quorum.noLeader(false);
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(api.get("orders").getStatus().getBootstrap().isFormed()).isTrue());
  }

  /**
   * While a new cluster's pods start, the operator observes it every 250 ms; a round that finds
   * what the last one did (Kafka not asked, the same agents' answers) starts no pass, and the burst
   * goes on until the first leader shows.
   */
  @Test
  void givenANewClustersPodsStarting_thenRoundsThatFindNothingNewStartNoPass() {
    // polled hourly: every round after the first is a burst's
    start(HealingFollowsCommitApiTest.HOURLY);
    electing();
    api.create(Path.of("../examples/combined.yaml"));
    await()
        .until(
            () ->
                api.client()
                        .apps()
                        .statefulSets()
                        .inNamespace(NAMESPACE)
                        .withName("orders-node")
                        .get()
                    != null);
    for (int i = 0; i < 3; i++) {
      api.createPodFromTemplate("orders-node", "orders-node-" + i, "orders");
    }
    awaitKafkaNotAsked("node 0: starting, node 1: candidate, epoch 1, node 2: unattached, epoch 1");
    int passes = api.reconciles().finished("orders");
    int rounds = quorum.agentRounds.get();
    // 20 rounds of 250 ms: longer than a burst a pass starts (QuorumObservation.BURST_FOR)
    await().atMost(Duration.ofSeconds(30)).until(() -> quorum.agentRounds.get() >= rounds + 20);
    assertThat(api.reconciles().finished("orders") - passes)
        .as("passes while 20 rounds found nothing new (one may have been under way)")
        .isLessThanOrEqualTo(1);

    // the election ends: the burst that went on without passes sees it
    quorum.agentsKnow(1, 2).leader(1, 2).noLeader(false);
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(api.get("orders").getStatus().getBootstrap().isFormed()).isTrue());
  }
}
