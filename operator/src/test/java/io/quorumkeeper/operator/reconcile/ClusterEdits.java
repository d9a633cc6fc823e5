package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.reason;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the spec-refusal and status-edit API tests do to a cluster, and wait for: creating an
 * example, editing its spec and status as a user would, waiting for a verdict.
 */
final class ClusterEdits {

  static final Path COMBINED = Path.of("../examples/combined.yaml");
  static final Path SPARE = Path.of("../examples/combined-spare.yaml");

  private final ApiHarness api;

  ClusterEdits(ApiHarness api) {
    this.api = api;
  }

  void awaitAccepted(String name, long generation) {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get(name);
              assertThat(cr.getStatus().getObservedGeneration()).isEqualTo(generation);
              assertThat(cr.getStatus().getLastAcceptedSpec()).isNotBlank();
              assertThat(cr.getStatus().getQuorum().getLeaderEpoch()).isNotNull();
            });
  }

  void awaitRefused(String name, long generation, String because) {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get(name);
              assertThat(cr.getStatus().getObservedGeneration()).isEqualTo(generation);
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("True");
              assertThat(message(cr, Conditions.SPEC_INVALID)).contains(because);
            });
  }

  void editSpec(String name, Consumer<QuorumClusterSpec> change) {
    api.edit(name, cr -> change.accept(cr.getSpec()));
  }

  /** The spare example (3 voters, one spare) accepted, its quorum able to lose one voter. */
  QuorumScript runningSpare() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/inventory", 3).observer(3);
    api.create(SPARE);
    awaitAccepted("inventory", 1);
    await()
        .ignoreExceptions()
        .until(() -> api.get("inventory").getStatus().getQuorum().getFaultTolerance() == 1);
    return quorum;
  }

  /**
   * Writes status as a user with rights on the status subresource would, retried as a user would: a
   * write on a copy the operator's own status write overtook is 409.
   */
  void editStatus(String name, Consumer<QuorumCluster> change) {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster current = api.get(name);
              change.accept(current);
              api.client().resource(current).updateStatus();
            });
  }

  StatefulSet statefulSet(String name) {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
  }

  List<Event> events(String reason) {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
