package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.config.Leadership;
import io.quorumkeeper.operator.testing.ApiCall;
import io.quorumkeeper.operator.testing.OperatorReplicas;
import io.quorumkeeper.operator.testing.OperatorReplicas.Replica;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two operator replicas on one API, as a Deployment with two pods (or a rollout's surge) runs them:
 * only the holder of the Lease reconciles and changes voters, and the standby takes over when the
 * leader stops.
 */
class LeaderElectionApiTest {

  OperatorReplicas api;
  QuorumScript inventory;
  Replica first;
  Replica second;

  @BeforeEach
  void startTwoReplicas() throws IOException {
    api = OperatorReplicas.api();
    inventory = api.quorum().script(NAMESPACE + "/inventory", 3).observer(3);
    first = api.start("replica-a");
    await().until(() -> api.holder().equals(Optional.of("replica-a")));
    second = api.start("replica-b");
    QuorumCluster cr =
        api.client()
            .getKubernetesSerialization()
            .unmarshal(Files.readString(HealingApiTest.SPARE), QuorumCluster.class);
    cr.getMetadata().setNamespace(NAMESPACE);
    api.client().resource(cr).create();
    await()
        .ignoreExceptions()
        .until(() -> inventory().getStatus().getQuorum().getFaultTolerance() == 1);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenTwoReplicas_whenAVoterDies_thenOnlyTheLeaderReconcilesAndOneReplacementIsSent() {
    inventory.dead(1);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> inventory.voterIds().equals(List.of(0, 2, 3)));
    await().until(() -> inventory().getStatus().getOperation() == null);
    assertThat(inventory.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(first.reconciles().finished("inventory")).isPositive();
    assertThat(second.reconciles().finished("inventory")).isZero();
    assertThat(second.leadership().state()).isEqualTo(Leadership.State.STANDBY);
    assertThat(api.drainCalls())
        .filteredOn(c -> c.userAgent().equals(second.userAgent()) && c.isWrite())
        .extracting(ApiCall::path)
        .as("the standby writes nothing but its RBAC self-review")
        .allMatch(path -> path.endsWith("/selfsubjectrulesreviews"));
  }

  @Test
  void givenLeaderStops_thenStandbyTakesTheLeaseAndHealsTheNextFailure() {
    first.stop();

    await().until(() -> api.holder().equals(Optional.of("replica-b")));
    await().until(() -> second.reconciles().finished("inventory") > 0);
    assertThat(first.leadership().state()).isEqualTo(Leadership.State.LOST);
    assertThat(second.leadership().state()).isEqualTo(Leadership.State.LEADING);
    int byFirst = first.reconciles().finished("inventory");

    inventory.dead(1);

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> inventory.voterIds().equals(List.of(0, 2, 3)));
    await().until(() -> inventory().getStatus().getOperation() == null);
    assertThat(inventory.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(first.reconciles().finished("inventory")).isEqualTo(byFirst);
  }

  private QuorumCluster inventory() {
    return api.client()
        .resources(QuorumCluster.class)
        .inNamespace(NAMESPACE)
        .withName("inventory")
        .get();
  }
}
