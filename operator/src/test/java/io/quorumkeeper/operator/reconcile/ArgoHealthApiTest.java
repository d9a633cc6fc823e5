package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.BrokersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.status.QuorumReport;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.ArgoHealth;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Argo CD health check against the status the operator really writes, not only hand-written
 * cases: a cluster is driven into each state, and the QuorumCluster read back from the API goes
 * through health.lua. Guards the script against drift from the operator's conditions.
 */
class ArgoHealthApiTest {

  ApiHarness api;
  QuorumScript quorum;

  @BeforeEach
  void start() {
    ArgoHealth.assumeLua();
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(Path.of("../examples/combined.yaml"));
    podsReady();
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(condition(cr, Conditions.READY)).isEqualTo("True");
              assertThat(condition(cr, Conditions.QUORUM_HEALTHY)).isEqualTo("True");
            });
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void givenReadyClusterWithHealthyQuorum_thenHealthy() {
    assertThat(health())
        .isEqualTo(new ArgoHealth.Health("Healthy", "3 voters, leader 0, tolerates 1"));
  }

  @Test
  void givenRefusedSpec_thenDegradedWithTheRefusal() {
    edit(
        cr -> {
          cr.getSpec().setTopology(Topology.Separated);
          BrokersSpec brokers = new BrokersSpec();
          brokers.setReplicas(3);
          cr.getSpec().setBrokers(brokers);
        });

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(cr.getStatus().getObservedGeneration()).isEqualTo(2L);
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("True");
            });
    assertThat(health())
        .isEqualTo(
            new ArgoHealth.Health(
                "Degraded",
                "spec invalid: " + QuorumClusterSpec.TOPOLOGY_IMMUTABLE + " (it runs Combined)"));
  }

  @Test
  void givenLeaderGone_thenProgressingWhileElectingThenDegradedQuorumLost() {
    quorum.noLeader(true);

    await().ignoreExceptions().until(() -> "Electing".equals(quorumReason()));
    assertThat(health().status()).isEqualTo("Progressing");
    assertThat(health().message()).startsWith("electing a leader: no leader since ");
    await()
        .atMost(QuorumReport.ELECTION_GRACE.plusSeconds(20))
        .ignoreExceptions()
        .until(() -> "NoLeader".equals(quorumReason()));
    assertThat(health().status()).isEqualTo("Degraded");
    assertThat(health().message()).startsWith("quorum lost: no controller reports a leader: ");
  }

  @Test
  void givenPausedAnnotation_thenSuspended() {
    edit(cr -> cr.getMetadata().getAnnotations().put(QuorumCluster.PAUSED_ANNOTATION, "true"));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(condition(api.get("orders"), Conditions.PAUSED)).isEqualTo("True"));
    assertThat(health())
        .isEqualTo(
            new ArgoHealth.Health(
                "Suspended",
                "paused: annotation "
                    + QuorumCluster.PAUSED_ANNOTATION
                    + " is true: no changes are made"));
  }

  private ArgoHealth.Health health() {
    return ArgoHealth.of(api.get("orders"));
  }

  private String quorumReason() {
    return Conditions.find(api.get("orders").getStatus().getConditions(), Conditions.QUORUM_HEALTHY)
        .map(c -> c.getReason())
        .orElse(null);
  }

  /** No StatefulSet controller runs against the mock API: report its pods rolled out and ready. */
  private void podsReady() {
    await().until(() -> statefulSet() != null);
    StatefulSet sts = statefulSet();
    sts.setStatus(
        new StatefulSetStatusBuilder()
            .withObservedGeneration(sts.getMetadata().getGeneration())
            .withReplicas(3)
            .withReadyReplicas(3)
            .withAvailableReplicas(3)
            .withUpdatedReplicas(3)
            .withCurrentReplicas(3)
            .withCurrentRevision("orders-node-1")
            .withUpdateRevision("orders-node-1")
            .build());
    api.client().resource(sts).updateStatus();
  }

  private StatefulSet statefulSet() {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName("orders-node").get();
  }

  private void edit(Consumer<QuorumCluster> change) {
    api.edit("orders", change);
  }
}
