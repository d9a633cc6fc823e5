package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.KafkaStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.OperationStatus;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.observe.RaftObservation;
import io.quorumkeeper.operator.quorum.HealingPolicy;
import io.quorumkeeper.operator.quorum.PodFacts;
import io.quorumkeeper.operator.quorum.QuorumSnapshot;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.BiConsumer;

/** Assembles a {@link QuorumSnapshot} from the cached observation and the pod cache. */
final class Observed {

  private static final int MAX_PODS = 100;

  private Observed() {}

  /** Empty until the first observation of this cluster has come back. */
  static Optional<QuorumSnapshot> snapshot(
      QuorumCluster cr, Context<QuorumCluster> context, NodeCache nodes) {
    return observation(cr, context)
        .map(
            o ->
                new QuorumSnapshot(
                    o.cluster(),
                    o.observedAt(),
                    o.raft(),
                    podNames(cr),
                    controllerPods(cr, context, nodes),
                    o.failure(),
                    o.agents(),
                    o.epochSeenSince()));
  }

  /**
   * The cached observation, empty until the first one of this cluster has come back. One made for
   * an earlier cluster of the same name (deleted and created again while a round of it ran) is
   * none: its leader, agents and cluster id would have the new cluster taken for formed, and its
   * controllers formatted as observers of a quorum that does not exist.
   */
  static Optional<RaftObservation> observation(QuorumCluster cr, Context<QuorumCluster> context) {
    return context
        .getSecondaryResource(RaftObservation.class, QuorumObservation.NAME)
        .filter(o -> o.isAbout(cr.getMetadata().getUid()));
  }

  /**
   * The highest finalized metadata.version level known: the one status last recorded, or the one
   * the controllers reported in the latest observation, which a hand edit of status cannot lower
   * (the level never goes down); null while neither knows.
   */
  static Integer finalizedLevel(QuorumCluster cr, Context<QuorumCluster> context) {
    KafkaStatus kafka = cr.getStatus() == null ? null : cr.getStatus().getKafka();
    Integer recorded = kafka == null ? null : kafka.getMetadataVersionLevel();
    OptionalInt observed =
        observation(cr, context).map(RaftObservation::metadataVersion).orElse(OptionalInt.empty());
    return observed.isPresent()
        ? Integer.valueOf(Math.max(observed.getAsInt(), recorded == null ? 0 : recorded))
        : recorded;
  }

  /**
   * The finalized metadata.version level Kafka reported in the latest observation, or status's
   * while no observation has read it: what the brokers run by, where acting on a level they do not
   * run would fail (a hand edit of status raising it, say).
   */
  static Integer runningLevel(QuorumCluster cr, Context<QuorumCluster> context) {
    OptionalInt observed =
        observation(cr, context).map(RaftObservation::metadataVersion).orElse(OptionalInt.empty());
    if (observed.isPresent()) {
      return observed.getAsInt();
    }
    KafkaStatus kafka = cr.getStatus() == null ? null : cr.getStatus().getKafka();
    return kafka == null ? null : kafka.getMetadataVersionLevel();
  }

  /** Every node id the controller pool can hold (ordinals 0-99), with its pod's name. */
  private static Map<Integer, String> podNames(QuorumCluster cr) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    Map<Integer, String> names = new HashMap<>();
    for (int ordinal = 0; ordinal < MAX_PODS; ordinal++) {
      names.put(controllers.nodeId(ordinal), controllers.podName(ordinal));
    }
    return names;
  }

  /** Node ids of the controller pods the spec no longer keeps (ordinals from spec replicas up). */
  static Set<Integer> retiring(QuorumCluster cr) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    Set<Integer> ids = new HashSet<>();
    for (int ordinal = controllers.replicas(); ordinal < MAX_PODS; ordinal++) {
      ids.add(controllers.nodeId(ordinal));
    }
    return ids;
  }

  /**
   * How many controller pods to keep: the spec's count, or more while a voter (or the voter being
   * added) still lives on a pod above it. Without a view of the voters, the pods that exist stay.
   */
  static int controllerPodsToKeep(
      QuorumCluster cr, Optional<QuorumSnapshot> snapshot, Context<QuorumCluster> context) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    int keep = controllers.replicas();
    Optional<RaftQuorum> raft = snapshot.flatMap(QuorumSnapshot::raft);
    if (raft.isEmpty()) {
      return Math.max(keep, statefulSetReplicas(cr, controllers, context));
    }
    List<Integer> voterIds = new ArrayList<>();
    raft.get().voters().forEach(v -> voterIds.add(v.nodeId()));
    OperationStatus op = cr.getStatus() == null ? null : cr.getStatus().getOperation();
    // The voter being added lives on a pod that exists: one beyond the StatefulSet's pods (a status
    // edit naming node 98) would scale the pool up to it rather than keep it
    if (op != null
        && op.getAdd() != null
        && op.getAdd().getNodeId() - controllers.kind().nodeIdOffset()
            < statefulSetReplicas(cr, controllers, context)) {
      voterIds.add(op.getAdd().getNodeId());
    }
    for (int id : voterIds) {
      int ordinal = id - controllers.kind().nodeIdOffset();
      if (ordinal >= 0 && ordinal < MAX_PODS) {
        keep = Math.max(keep, ordinal + 1);
      }
    }
    return keep;
  }

  /** How many pods {@code pool}'s StatefulSet asks for now, as the cache has it; 0 without one. */
  static int statefulSetReplicas(QuorumCluster cr, Pool pool, Context<QuorumCluster> context) {
    return OwnedResources.cache(StatefulSet.class, context)
        .get(new ResourceID(pool.name(), cr.getMetadata().getNamespace()))
        .map(s -> s.getSpec().getReplicas() == null ? 0 : s.getSpec().getReplicas())
        .orElse(0);
  }

  /**
   * Controller pods stuck: terminating (since their deletion was asked for) or on a NotReady node
   * (since the node stopped being Ready), with how long.
   */
  static Map<String, HealingPolicy.Stranded> strandedPods(
      QuorumCluster cr, Context<QuorumCluster> context, NodeCache nodes, Instant now) {
    String prefix = ClusterModel.pools(cr).get(0).name() + "-";
    Map<String, HealingPolicy.Stranded> stranded = new HashMap<>();
    for (Pod pod : context.getSecondaryResources(Pod.class)) {
      if (!pod.getMetadata().getName().startsWith(prefix)) {
        continue;
      }
      String deleted = pod.getMetadata().getDeletionTimestamp();
      NodeCache.NodeFacts node =
          nodes.facts(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
      Instant since = deleted != null ? Instant.parse(deleted) : null;
      if (!node.ready() && (since == null || node.notReadySince().isBefore(since))) {
        since = node.notReadySince();
      }
      if (since != null) {
        stranded.put(
            pod.getMetadata().getName(),
            new HealingPolicy.Stranded(pod.getMetadata().getUid(), Duration.between(since, now)));
      }
    }
    return stranded;
  }

  private static Map<Integer, PodFacts> controllerPods(
      QuorumCluster cr, Context<QuorumCluster> context, NodeCache nodes) {
    Map<Integer, PodFacts> facts = new HashMap<>();
    forEachControllerPod(
        cr,
        context,
        (nodeId, pod) -> {
          boolean running =
              pod.getMetadata().getDeletionTimestamp() == null
                  && pod.getStatus() != null
                  && "Running".equals(pod.getStatus().getPhase());
          NodeCache.NodeFacts node =
              nodes.facts(pod.getSpec() == null ? null : pod.getSpec().getNodeName());
          facts.put(
              nodeId,
              new PodFacts(
                  nodeId, pod.getMetadata().getName(), running, node.ready(), node.zone()));
        });
    return facts;
  }

  /**
   * What the controller pods show that announces a change in the quorum, as one comparable line:
   * each pod's incarnation (uid), whether it is terminating, its phase and readiness, its
   * containers' restarts and readiness, its node and whether that node is Ready. Timestamps and
   * anything else that moves without such a change are left out.
   */
  static String controllerPodsSeen(
      QuorumCluster cr, Context<QuorumCluster> context, NodeCache nodes) {
    Map<Integer, String> seen = new java.util.TreeMap<>();
    forEachControllerPod(
        cr,
        context,
        (nodeId, pod) -> {
          StringBuilder line =
              new StringBuilder(pod.getMetadata().getUid())
                  .append(pod.getMetadata().getDeletionTimestamp() == null ? "" : " terminating");
          String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
          line.append(" on ").append(node).append(nodes.facts(node).ready() ? "" : " NotReady");
          if (pod.getStatus() != null) {
            line.append(' ').append(pod.getStatus().getPhase());
            Optional.ofNullable(pod.getStatus().getConditions()).orElse(List.of()).stream()
                .filter(c -> "Ready".equals(c.getType()))
                .forEach(c -> line.append(" Ready=").append(c.getStatus()));
            Optional.ofNullable(pod.getStatus().getContainerStatuses())
                .orElse(List.of())
                .forEach(
                    c ->
                        line.append(' ')
                            .append(c.getName())
                            .append(Boolean.TRUE.equals(c.getReady()) ? " ready " : " not ready ")
                            .append(c.getRestartCount()));
          }
          seen.put(nodeId, line.toString());
        });
    return seen.toString();
  }

  /**
   * Whether a pod of a pool with the broker role is Ready and not terminating: its agent answers
   * the readiness probe only once its Kafka knows a leader and its broker is RUNNING, so such a
   * broker takes requests (the client grants go through one).
   */
  static boolean brokerPodReady(List<Pool> pools, Context<QuorumCluster> context) {
    Set<String> brokers = new HashSet<>();
    for (Pool pool : pools) {
      if (pool.kind().hasBrokerRole()) {
        for (int ordinal = 0; ordinal < pool.replicas(); ordinal++) {
          brokers.add(pool.podName(ordinal));
        }
      }
    }
    return context.getSecondaryResources(Pod.class).stream()
        .filter(pod -> brokers.contains(pod.getMetadata().getName()))
        .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
        .anyMatch(Rolling::ready);
  }

  private static void forEachControllerPod(
      QuorumCluster cr, Context<QuorumCluster> context, BiConsumer<Integer, Pod> action) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    String prefix = controllers.name() + "-";
    for (Pod pod : context.getSecondaryResources(Pod.class)) {
      String name = pod.getMetadata().getName();
      // Ordinals of pods the StatefulSet can make; a stray pod named like one is not a node.
      if (!name.startsWith(prefix) || !name.substring(prefix.length()).matches("[1-9]?[0-9]")) {
        continue;
      }
      action.accept(controllers.nodeId(Integer.parseInt(name.substring(prefix.length()))), pod);
    }
  }
}
