package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.observe.RaftObservation;
import io.quorumkeeper.operator.quorum.PodFacts;
import io.quorumkeeper.operator.quorum.QuorumSnapshot;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Assembles a {@link QuorumSnapshot} from the cached observation and the pod cache. */
final class Observed {

  private Observed() {}

  /** Empty until the first observation of this cluster has come back. */
  static Optional<QuorumSnapshot> snapshot(QuorumCluster cr, Context<QuorumCluster> context) {
    return context
        .getSecondaryResource(RaftObservation.class, QuorumObservation.NAME)
        .map(
            o ->
                new QuorumSnapshot(
                    o.cluster(),
                    o.observedAt(),
                    o.raft(),
                    podNames(cr),
                    controllerPods(cr, context),
                    o.failure()));
  }

  /** Every node id the controller pool can hold (ordinals 0-99), with its pod's name. */
  private static Map<Integer, String> podNames(QuorumCluster cr) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    Map<Integer, String> names = new HashMap<>();
    for (int ordinal = 0; ordinal < 100; ordinal++) {
      names.put(controllers.nodeId(ordinal), controllers.podName(ordinal));
    }
    return names;
  }

  /** Controller pods stuck terminating, with how long since their deletion was asked for. */
  static Map<String, Duration> strandedPods(
      QuorumCluster cr, Context<QuorumCluster> context, Instant now) {
    String prefix = ClusterModel.pools(cr).get(0).name() + "-";
    Map<String, Duration> stranded = new HashMap<>();
    for (Pod pod : context.getSecondaryResources(Pod.class)) {
      String deleted = pod.getMetadata().getDeletionTimestamp();
      if (deleted != null && pod.getMetadata().getName().startsWith(prefix)) {
        stranded.put(pod.getMetadata().getName(), Duration.between(Instant.parse(deleted), now));
      }
    }
    return stranded;
  }

  private static Map<Integer, PodFacts> controllerPods(
      QuorumCluster cr, Context<QuorumCluster> context) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    Map<Integer, PodFacts> facts = new HashMap<>();
    for (Pod pod : context.getSecondaryResources(Pod.class)) {
      String name = pod.getMetadata().getName();
      String prefix = controllers.name() + "-";
      if (!name.startsWith(prefix) || !name.substring(prefix.length()).matches("[0-9]+")) {
        continue;
      }
      int nodeId = controllers.nodeId(Integer.parseInt(name.substring(prefix.length())));
      boolean running =
          pod.getMetadata().getDeletionTimestamp() == null
              && pod.getStatus() != null
              && "Running".equals(pod.getStatus().getPhase());
      facts.put(nodeId, new PodFacts(nodeId, name, running, true));
    }
    return facts;
  }
}
