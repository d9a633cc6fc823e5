package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.quorumkeeper.operator.model.Pool;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether every pool has rolled out, from the StatefulSets' status: the controller has read the
 * latest StatefulSet (observedGeneration), every pod runs its latest template (updatedReplicas) and
 * is ready (readyReplicas). The quorum's own health joins this once the operator observes the
 * quorum.
 *
 * <p>An API server leaves zero counts out of a status, so an absent count is zero.
 */
record Readiness(boolean ready, String reason, String message) {

  static final String PODS_NOT_READY = "PodsNotReady";
  static final String ROLLOUT_IN_PROGRESS = "RolloutInProgress";

  static Readiness of(List<Pool> pools, Map<String, Optional<StatefulSet>> statefulSets) {
    StringBuilder ready = new StringBuilder();
    StringBuilder outdated = new StringBuilder();
    boolean podsReady = true;
    for (Pool pool : pools) {
      Optional<StatefulSet> set = statefulSets.getOrDefault(pool.name(), Optional.empty());
      StatusCounts counts = StatusCounts.of(set);
      append(
          ready,
          counts.ready() + "/" + pool.replicas() + " " + pool.kind().suffix() + " pods ready");
      podsReady &= counts.ready() >= pool.replicas();
      if (!counts.observed()) {
        append(outdated, "StatefulSet " + pool.name() + " not yet observed by its controller");
      } else if (counts.updated() < pool.replicas()) {
        append(
            outdated,
            counts.updated()
                + "/"
                + pool.replicas()
                + " "
                + pool.kind().suffix()
                + " pods run the latest template");
      }
    }
    String readyText = ready.toString();
    if (!podsReady) {
      return new Readiness(false, PODS_NOT_READY, readyText);
    }
    if (!outdated.isEmpty()) {
      return new Readiness(false, ROLLOUT_IN_PROGRESS, readyText + "; " + outdated);
    }
    return new Readiness(true, "AllPodsReady", readyText);
  }

  private static void append(StringBuilder text, String part) {
    if (!text.isEmpty()) {
      text.append(", ");
    }
    text.append(part);
  }

  /** A StatefulSet's counts; a missing StatefulSet or status counts nothing. */
  private record StatusCounts(int ready, int updated, boolean observed) {

    static StatusCounts of(Optional<StatefulSet> set) {
      if (set.isEmpty() || set.get().getStatus() == null) {
        return new StatusCounts(0, 0, set.isEmpty());
      }
      StatefulSetStatus status = set.get().getStatus();
      Long generation = set.get().getMetadata().getGeneration();
      Long observedGeneration = status.getObservedGeneration();
      boolean observed =
          generation == null || (observedGeneration != null && observedGeneration >= generation);
      return new StatusCounts(
          zeroIfAbsent(status.getReadyReplicas()),
          zeroIfAbsent(status.getUpdatedReplicas()),
          observed);
    }

    private static int zeroIfAbsent(Integer count) {
      return count == null ? 0 : count;
    }
  }
}
