package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.ClusterEdits.COMBINED;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.spec.BrokersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.OwnedObjects;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A spec the operator refuses, or a world that does not look as the operator left it, never stops
 * it from observing what runs, and never makes it write what it cannot run.
 */
class SpecRefusalApiTest {

  final ApiHarness api = ApiHarness.start();
  final ClusterEdits cluster = new ClusterEdits(api);

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void
      givenRunningCombined_whenTopologyChangedToSeparated_thenRefusedNothingCreatedQuorumObserved() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    cluster.awaitAccepted("orders", 1);
    Map<String, String> before = OwnedObjects.resourceVersions(api.client());

    cluster.editSpec(
        "orders",
        spec -> {
          spec.setTopology(Topology.Separated);
          BrokersSpec brokers = new BrokersSpec();
          brokers.setReplicas(3);
          spec.setBrokers(brokers);
        });

    cluster.awaitRefused("orders", 2, QuorumClusterSpec.TOPOLOGY_IMMUTABLE + " (it runs Combined)");
    quorum.leader(1, 2);
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var q = api.get("orders").getStatus().getQuorum();
              assertThat(q.getLeaderId()).isEqualTo(1);
              assertThat(q.getLeaderEpoch()).isEqualTo(2L);
            });
    QuorumCluster cr = api.get("orders");
    assertThat(condition(cr, Conditions.READY)).isEqualTo("False");
    assertThat(cluster.statefulSet("orders-controller")).isNull();
    assertThat(cluster.statefulSet("orders-broker")).isNull();
    assertThat(OwnedObjects.resourceVersions(api.client())).isEqualTo(before);
    assertThat(cluster.events("SpecInvalid")).hasSize(1);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * Status lost (a restore without it, an edit) while the operator was down, and replicas lowered
   * to 2 with voters unset: with no accepted spec to compare against, the count the running cluster
   * has still refuses the silent shrink to one voter, and no voter is removed (ADR 040).
   */
  @Test
  void givenStatusLost_whenReplicasLoweredWithVotersUnset_thenStillRefused() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    cluster.awaitAccepted("orders", 1);
    api.stopOperator();

    cluster.editStatus("orders", cr -> cr.setStatus(new QuorumClusterStatus()));
    cluster.editSpec("orders", spec -> spec.getControllers().setReplicas(2));
    api.startOperator();

    cluster.awaitRefused(
        "orders", 2, "would lower the quorum from 3 (the voters the running cluster has) to 1");
    assertThat(quorum.voterIds()).hasSize(3);
    assertThat(cluster.statefulSet("orders-node").getSpec().getReplicas()).isEqualTo(3);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * The count the running cluster has is read as the spec reads replicas (the largest odd number,
   * at most 9): 12 controller pods with voters unset run 9 voters, and the same spec with status
   * lost is not refused as a shrink from 11.
   */
  @Test
  void givenStatusLost_whenTheSpecIsUnchanged_thenAcceptedWhateverTheReplicas() {
    api.quorum().script(NAMESPACE + "/orders", 9);
    QuorumCluster twelve = api.read(COMBINED);
    twelve.getSpec().getControllers().setReplicas(12);
    api.client().resource(twelve).create();
    cluster.awaitAccepted("orders", 1);
    api.stopOperator();

    cluster.editStatus("orders", cr -> cr.setStatus(new QuorumClusterStatus()));
    api.startOperator();

    cluster.awaitAccepted("orders", 1);
    assertThat(condition(api.get("orders"), Conditions.SPEC_INVALID)).isNotEqualTo("True");
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenVotersUnset_whenReplicasLoweredToAnEvenCount_thenRefusedUntilVotersSayItOnPurpose() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    cluster.awaitAccepted("orders", 1);

    cluster.editSpec("orders", spec -> spec.getControllers().setReplicas(2));

    cluster.awaitRefused("orders", 2, "would lower the quorum from 3 to 1 voters");
    assertThat(message(api.get("orders"), Conditions.SPEC_INVALID))
        .contains(Acceptance.IMPLICIT_SHRINK);
    assertThat(cluster.statefulSet("orders-node").getSpec().getReplicas()).isEqualTo(3);

    cluster.editSpec("orders", spec -> spec.getControllers().setVoters(1));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(cr.getStatus().getObservedGeneration()).isEqualTo(3L);
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("False");
            });
  }

  @Test
  void givenObjectWithAnOwnedNameThatIsNotOurs_thenLeftAloneReportedAndTheRestWritten() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    // (a pool's ConfigMap has no fixed name to take: its name carries a hash of its content)
    Service foreign =
        api.client()
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("orders-bootstrap")
                    .withNamespace(NAMESPACE)
                    .addToLabels("owner", "someone-else")
                    .endMetadata()
                    .withNewSpec()
                    .addNewPort()
                    .withPort(1234)
                    .endPort()
                    .endSpec()
                    .build())
            .create();

    api.create(COMBINED);

    await()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(condition(cr, Conditions.READY)).isEqualTo("False");
              assertThat(message(cr, Conditions.READY))
                  .contains("Service orders-bootstrap")
                  .contains("does not belong to this QuorumCluster");
              assertThat(cluster.events("ObjectNotWritten")).hasSize(1);
            });
    Service after =
        api.client().services().inNamespace(NAMESPACE).withName("orders-bootstrap").get();
    assertThat(after.getMetadata().getLabels()).isEqualTo(Map.of("owner", "someone-else"));
    assertThat(after.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(cluster.statefulSet("orders-node")).isNotNull();
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenStrayPodNamedBeyondAnyOrdinal_thenIgnoredAndStatusKeepsRefreshing() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    cluster.awaitAccepted("orders", 1);

    api.client()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("orders-node-99999999999")
                .withNamespace(NAMESPACE)
                .withLabels(Map.of(Labels.CLUSTER, "orders"))
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
    quorum.leader(2, 3);

    await()
        .ignoreExceptions()
        .until(() -> api.get("orders").getStatus().getQuorum().getLeaderEpoch() == 3L);
    assertThat(api.get("orders").getStatus().getQuorum().getMembers())
        .extracting(m -> m.getNodeId())
        .containsExactly(0, 1, 2);
    assertThat(api.reconciles().failures()).isEmpty();
  }
}
