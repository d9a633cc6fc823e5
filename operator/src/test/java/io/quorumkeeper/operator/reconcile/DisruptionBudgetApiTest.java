package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.HealingMode;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The budget counts Ready pods; a voter can be Ready and carry nothing (its disk lost: it runs as
 * an observer under a new directory id until healing replaces it, which ReportOnly never does).
 * While the quorum tolerates no further failure, a drain's eviction of a Ready voter must be
 * refused; a pod that is not Ready may still go, and once the quorum tolerates a failure again the
 * usual budget is back (ADR 035). The eviction is judged as the API server judges it
 * (PodEvictions).
 */
class DisruptionBudgetApiTest {

  static final Path COMBINED = Path.of("../examples/combined.yaml");

  ApiHarness api;
  QuorumScript quorum;

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    api.edit("orders", cr -> cr.getSpec().getHealing().setMode(HealingMode.ReportOnly));
    for (int id = 0; id < 3; id++) {
      await()
          .ignoreExceptions()
          .until(
              () ->
                  api.client()
                          .apps()
                          .statefulSets()
                          .inNamespace(NAMESPACE)
                          .withName("orders-node")
                          .get()
                      != null);
      api.createPodFromTemplate("orders-node", "orders-node-" + id, "orders");
      api.podReady("orders-node-" + id);
    }
    await()
        .ignoreExceptions()
        .until(() -> api.get("orders").getStatus().getQuorum().getFaultTolerance() == 1);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenAQuorumThatToleratesNoFailureWithEveryPodReady_thenNoReadyVoterMayBeEvicted() {
    assertThat(budget().getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

    quorum.dead(1); // Kafka: voter 1 fetches nothing; its pod still Ready (a lost disk, say)

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> budget().getSpec().getMaxUnavailable().getIntVal() == 0);
    assertThat(evict("orders-node-0")).as("a healthy voter's eviction").isFalse();
    assertThat(evict("orders-node-2")).as("the other healthy voter's").isFalse();
    assertThat(pod("orders-node-0")).isTrue();

    quorum.alive(1);

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> budget().getSpec().getMaxUnavailable().getIntVal() == 1);
    assertThat(evict("orders-node-0")).as("one eviction, with the quorum whole again").isTrue();
    await().until(() -> !pod("orders-node-0"));
  }

  /**
   * A live voter briefly not Ready (a slow disk trips its stall watch, ADR 031) while another is
   * down: the API server's default policy keeps it, since fewer pods are healthy than the budget
   * wants. A policy that let unready pods go would have let a drain take it and the quorum with it.
   */
  @Test
  void givenAQuorumThatToleratesNoFailure_thenALiveVoterBrieflyNotReadyIsKeptToo() {
    quorum.dead(1);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> budget().getSpec().getMaxUnavailable().getIntVal() == 0);

    api.podRunning("orders-node-0", false);

    assertThat(evict("orders-node-0")).as("a live voter, not Ready for a moment").isFalse();
    assertThat(evict("orders-node-2")).as("the other live voter").isFalse();
    assertThat(budget().getSpec().getUnhealthyPodEvictionPolicy()).isNull();
  }

  /**
   * A pause, or a pasted value the operator refuses, holds every change the operator would make; it
   * must not leave the budget open while the quorum loses its last spare voter, or a drain then
   * takes a live one (ADR 036).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"paused", "refused spec"})
  void givenChangesHeld_whenTheQuorumLosesItsFaultTolerance_thenTheBudgetStillCloses(String held) {
    String heldBy = held.equals("paused") ? Conditions.PAUSED : Conditions.SPEC_INVALID;
    if (held.equals("paused")) {
      api.edit(
          "orders",
          cr -> cr.getMetadata().getAnnotations().put(QuorumCluster.PAUSED_ANNOTATION, "true"));
      await().ignoreExceptions().until(() -> condition(api.get("orders"), heldBy).equals("True"));
    } else {
      api.edit(
          "orders",
          cr -> cr.getSpec().getKafka().getConfig().put("metadata.log.segment.ms", "1\nx=y"));
      await().ignoreExceptions().until(() -> condition(api.get("orders"), heldBy).equals("True"));
    }
    assertThat(budget().getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);

    quorum.dead(1);

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> budget().getSpec().getMaxUnavailable().getIntVal() == 0);
    assertThat(evict("orders-node-0")).as("a live voter's eviction while " + held).isFalse();
    assertThat(condition(api.get("orders"), heldBy))
        .as("the budget closed while the changes were still held")
        .isEqualTo("True");

    quorum.alive(1);

    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> budget().getSpec().getMaxUnavailable().getIntVal() == 1);
  }

  private PodDisruptionBudget budget() {
    return api.client()
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(NAMESPACE)
        .withName("orders-node")
        .get();
  }

  private boolean evict(String pod) {
    return api.client().pods().inNamespace(NAMESPACE).withName(pod).evict();
  }

  private boolean pod(String name) {
    return api.client().pods().inNamespace(NAMESPACE).withName(name).get() != null;
  }
}
