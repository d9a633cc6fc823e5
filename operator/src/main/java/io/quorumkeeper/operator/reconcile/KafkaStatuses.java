package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.quorumkeeper.operator.api.v1alpha1.status.KafkaStatus;
import io.quorumkeeper.operator.model.KafkaVersions;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.QuorumSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code status.kafka}: which Kafka versions the pods run. A controller's own agent is believed
 * first (the version of the Kafka jars its JVM loaded); a pod whose agent was not asked or did not
 * answer (a broker, a pod starting) counts by its image tag.
 */
final class KafkaStatuses {

  private KafkaStatuses() {}

  static KafkaStatus of(
      List<Pool> pools,
      Collection<Pod> pods,
      Optional<QuorumSnapshot> snapshot,
      KafkaStatus previous) {
    Map<String, Pod> byName = new HashMap<>();
    pods.forEach(p -> byName.put(p.getMetadata().getName(), p));
    Map<Integer, AgentReport> agents = snapshot.map(QuorumSnapshot::agents).orElse(Map.of());
    List<String> versions = new ArrayList<>();
    for (Pool pool : pools) {
      for (int ordinal = 0; ordinal < pool.replicas(); ordinal++) {
        Pod pod = byName.get(pool.podName(ordinal));
        if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
          continue;
        }
        AgentReport agent = agents.get(pool.nodeId(ordinal));
        versions.add(
            agent != null && agent.kafkaVersion() != null
                ? agent.kafkaVersion()
                : KafkaVersions.tag(Rolling.image(pod.getSpec())));
      }
    }
    KafkaStatus next = new KafkaStatus();
    next.setRunningVersions(versions.stream().filter(v -> v != null).distinct().sorted().toList());
    if (previous != null) {
      next.setMetadataVersionLevel(previous.getMetadataVersionLevel());
      next.setMetadataVersion(previous.getMetadataVersion());
    }
    return next;
  }
}
