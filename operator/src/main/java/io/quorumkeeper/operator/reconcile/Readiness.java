package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.model.Pool;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether every pool's pods are ready, from the StatefulSets' status. The quorum's own health joins
 * this once the operator observes the quorum.
 */
record Readiness(boolean ready, String reason, String message) {

  static Readiness of(List<Pool> pools, Map<String, Optional<StatefulSet>> statefulSets) {
    StringBuilder message = new StringBuilder();
    boolean ready = true;
    for (Pool pool : pools) {
      int readyPods =
          statefulSets
              .getOrDefault(pool.name(), Optional.empty())
              .map(s -> s.getStatus() == null ? null : s.getStatus().getReadyReplicas())
              .orElse(0);
      if (readyPods < pool.replicas()) {
        ready = false;
      }
      if (!message.isEmpty()) {
        message.append(", ");
      }
      message
          .append(readyPods)
          .append('/')
          .append(pool.replicas())
          .append(' ')
          .append(pool.kind().suffix())
          .append(" pods ready");
    }
    return new Readiness(ready, ready ? "AllPodsReady" : "PodsNotReady", message.toString());
  }
}
