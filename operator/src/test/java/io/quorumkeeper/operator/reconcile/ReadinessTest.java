package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.PoolKind;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Ready waits for the rollout: observed, updated and ready pods, as GitOps tools expect. */
class ReadinessTest {

  static final Pool CONTROLLERS = new Pool("orders", "kafka", PoolKind.CONTROLLER, 3, null, null);
  static final Pool BROKERS = new Pool("orders", "kafka", PoolKind.BROKER, 3, null, null);

  @Test
  void givenEveryPodObservedUpdatedAndReady_thenReady() {
    Readiness readiness =
        Readiness.of(
            List.of(CONTROLLERS, BROKERS),
            Map.of(
                CONTROLLERS.name(), set(2L, status(2L, 3, 3)),
                BROKERS.name(), set(5L, status(5L, 3, 3))));

    assertThat(readiness.ready()).isTrue();
    assertThat(readiness.reason()).isEqualTo("AllPodsReady");
    assertThat(readiness.message()).isEqualTo("3/3 controller pods ready, 3/3 broker pods ready");
  }

  @Test
  void givenReadyPodsOnTheOldTemplate_thenRolloutInProgress() {
    Readiness readiness =
        Readiness.of(List.of(CONTROLLERS), Map.of(CONTROLLERS.name(), set(2L, status(2L, 3, 1))));

    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.reason()).isEqualTo(Readiness.ROLLOUT_IN_PROGRESS);
    assertThat(readiness.message())
        .isEqualTo("3/3 controller pods ready; 1/3 controller pods run the latest template");
  }

  @Test
  void givenAStatefulSetItsControllerHasNotReadYet_thenRolloutInProgress() {
    Readiness readiness =
        Readiness.of(List.of(CONTROLLERS), Map.of(CONTROLLERS.name(), set(3L, status(2L, 3, 3))));

    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.reason()).isEqualTo(Readiness.ROLLOUT_IN_PROGRESS);
    assertThat(readiness.message()).contains("StatefulSet orders-controller not yet observed");
  }

  @Test
  void givenCountsLeftOutAsAnApiServerDoesForZero_thenTheyCountAsZero() {
    StatefulSetStatus noCounts = new StatefulSetStatusBuilder().withObservedGeneration(1L).build();

    Readiness readiness =
        Readiness.of(List.of(CONTROLLERS), Map.of(CONTROLLERS.name(), set(1L, noCounts)));

    assertThat(readiness.reason()).isEqualTo(Readiness.PODS_NOT_READY);
    assertThat(readiness.message()).isEqualTo("0/3 controller pods ready");
  }

  @Test
  void givenNoStatefulSet_thenPodsNotReady() {
    Readiness readiness = Readiness.of(List.of(CONTROLLERS), Map.of());

    assertThat(readiness.ready()).isFalse();
    assertThat(readiness.reason()).isEqualTo(Readiness.PODS_NOT_READY);
  }

  private static Optional<StatefulSet> set(long generation, StatefulSetStatus status) {
    return Optional.of(
        new StatefulSetBuilder()
            .withNewMetadata()
            .withName("any")
            .withGeneration(generation)
            .endMetadata()
            .withStatus(status)
            .build());
  }

  private static StatefulSetStatus status(long observedGeneration, int ready, int updated) {
    return new StatefulSetStatusBuilder()
        .withObservedGeneration(observedGeneration)
        .withReplicas(3)
        .withReadyReplicas(ready)
        .withUpdatedReplicas(updated)
        .build();
  }
}
