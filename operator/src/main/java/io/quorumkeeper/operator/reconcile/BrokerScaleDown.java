package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.PoolKind;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * Broker pods the spec no longer asks for go only once no partition has a replica on them.
 *
 * <p>A StatefulSet scaled down removes its highest pods at once, and Kafka does not move their
 * partitions anywhere: each partition with a replica there runs with fewer copies, one whose
 * replicas all lived there goes offline, and a topic with {@code unclean.leader.election.enable}
 * may elect a replica that lost writes. So when a broker-role pool (the broker pool of a Separated
 * cluster, the nodes of a Combined one, whose pods beyond the voters are brokers) is to shrink, the
 * partitions are read through the brokers first: the pool keeps every pod up to the highest one
 * that still holds a replica, and says which brokers and partitions, until the user has reassigned
 * them ({@code kafka-reassign-partitions}). When the brokers cannot be read, no broker pod goes.
 */
final class BrokerScaleDown {

  /** How many pods each pool keeps at least, and why some are kept, if they are. */
  record Keep(Map<PoolKind, Integer> pods, Optional<String> blocked) {

    static Keep none() {
      return new Keep(Map.of(), Optional.empty());
    }

    /** {@code pools} with each kept at no fewer pods than this says. */
    List<Pool> apply(List<Pool> pools) {
      return pools.stream()
          .map(p -> p.withReplicas(Math.max(p.replicas(), pods.getOrDefault(p.kind(), 0))))
          .toList();
    }
  }

  /** How many partitions a message names at most. */
  static final int NAMED = 5;

  private final QuorumClient quorum;

  BrokerScaleDown(QuorumClient quorum) {
    this.quorum = quorum;
  }

  Keep keep(QuorumCluster cr, List<Pool> pools, Context<QuorumCluster> context) {
    return keep(cr, pools, pool -> running(cr, pool, context));
  }

  /**
   * @param pools the pools as they are to be rendered (the controller pool already kept for its
   *     voters)
   * @param running how many pods a pool's StatefulSet has now
   */
  Keep keep(QuorumCluster cr, List<Pool> pools, ToIntFunction<Pool> running) {
    Map<PoolKind, Integer> now = new EnumMap<>(PoolKind.class);
    for (Pool pool : pools) {
      if (pool.kind().hasBrokerRole() && running.applyAsInt(pool) > pool.replicas()) {
        now.put(pool.kind(), running.applyAsInt(pool));
      }
    }
    if (now.isEmpty()) {
      return Keep.none();
    }
    // read through every broker that still runs, the ones to go included
    List<Pool> current =
        pools.stream().map(p -> p.withReplicas(now.getOrDefault(p.kind(), p.replicas()))).toList();
    Optional<List<PartitionIsr>> partitions = Rolling.partitions(quorum, cr, current);
    if (partitions.isEmpty()) {
      return new Keep(
          now,
          Optional.of(
              "the spec drops broker pods, but which partitions they hold cannot be read (no broker"
                  + " answers): they stay until it can"));
    }
    Map<PoolKind, Integer> keep = new EnumMap<>(PoolKind.class);
    Set<Integer> holding = new TreeSet<>();
    Set<String> held = new TreeSet<>();
    for (Pool pool : pools) {
      Integer pods = now.get(pool.kind());
      if (pods == null) {
        continue;
      }
      int highest = -1;
      for (int ordinal = pool.replicas(); ordinal < pods; ordinal++) {
        int id = pool.nodeId(ordinal);
        for (PartitionIsr p : partitions.get()) {
          if (p.replicas().contains(id)) {
            highest = ordinal;
            holding.add(id);
            held.add(p.partition());
          }
        }
      }
      if (highest >= 0) {
        keep.put(pool.kind(), highest + 1);
      }
    }
    if (keep.isEmpty()) {
      return Keep.none();
    }
    List<String> named = new ArrayList<>(held).subList(0, Math.min(NAMED, held.size()));
    return new Keep(
        keep,
        Optional.of(
            "the spec drops broker pods, but "
                + (holding.size() == 1 ? "broker " : "brokers ")
                + String.join(", ", holding.stream().map(String::valueOf).toList())
                + (holding.size() == 1 ? " still holds" : " still hold")
                + " replicas of "
                + held.size()
                + (held.size() == 1 ? " partition (" : " partitions (")
                + String.join(", ", named)
                + (held.size() > NAMED ? ", ..." : "")
                + "): their pods stay until the partitions are reassigned to the brokers that"
                + " remain (kafka-reassign-partitions)"));
  }

  private static int running(QuorumCluster cr, Pool pool, Context<QuorumCluster> context) {
    return OwnedResources.cache(StatefulSet.class, context)
        .get(new ResourceID(pool.name(), cr.getMetadata().getNamespace()))
        .map(s -> s.getSpec().getReplicas() == null ? 0 : s.getSpec().getReplicas())
        .orElse(0);
  }
}
