package io.quorumkeeper.operator.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.BrokerCordon;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.PoolKind;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Broker pods the spec no longer asks for go only once no partition has a replica on them.
 *
 * <p>A StatefulSet scaled down removes its highest pods at once, and Kafka does not move their
 * partitions anywhere: each partition with a replica there runs with fewer copies, one whose
 * replicas all lived there goes offline, and a topic with {@code unclean.leader.election.enable}
 * may elect a replica that lost writes. So when a broker-role pool (the broker pool of a Separated
 * cluster, the nodes of a Combined one, whose pods beyond the voters are brokers) is to shrink, the
 * leaving brokers are cordoned first where Kafka can ({@link BrokerCordons}), so that no new
 * partition lands there, then the partitions are read through the brokers: the pool keeps every pod
 * up to the highest one that still holds a replica, and says which brokers and partitions, until
 * the user has reassigned them ({@code kafka-reassign-partitions}). When the brokers cannot be
 * read, no broker pod goes.
 */
final class BrokerScaleDown {

  /**
   * Why pods the spec dropped are kept.
   *
   * @param reason the Progressing condition's reason
   * @param message the Progressing condition's message
   * @param warn whether the user must act (a Warning event), or the operator is only waiting
   */
  record Hold(String reason, String message, boolean warn) {

    static Hold blocked(String message) {
      return new Hold("ScaleDownBlocked", message, true);
    }

    static Hold cordoning(String message) {
      return new Hold("CordoningBrokers", message, false);
    }
  }

  /**
   * How many pods each pool keeps at least, why some are kept, if they are, and the cordons status
   * records (null: as they were).
   */
  record Keep(Map<PoolKind, Integer> pods, Optional<Hold> held, List<BrokerCordon> cordons) {

    Keep(Map<PoolKind, Integer> pods, Optional<Hold> held) {
      this(pods, held, null);
    }

    static Keep none() {
      return new Keep(Map.of(), Optional.empty());
    }

    /** {@code pools} with each kept at no fewer pods than this says. */
    List<Pool> apply(List<Pool> pools) {
      return pools.stream()
          .map(p -> p.withReplicas(Math.max(p.replicas(), pods.getOrDefault(p.kind(), 0))))
          .toList();
    }

    Keep with(BrokerCordons cordons) {
      return new Keep(pods, held, cordons.recorded());
    }
  }

  /** How many partitions a message names at most. */
  static final int NAMED = 5;

  private BrokerScaleDown() {}

  /**
   * @param pools the pools as they are to be rendered (the controller pool already kept for its
   *     voters)
   * @param partitions read through every broker that runs now, the ones to go included, if a pool
   *     is to shrink; the cordons are sent the same way
   */
  static Keep keep(
      QuorumCluster cr,
      List<Pool> pools,
      Context<QuorumCluster> context,
      BrokerPartitions partitions,
      Instant now) {
    Map<PoolKind, Integer> running = new EnumMap<>(PoolKind.class);
    for (Pool pool : pools) {
      if (pool.kind().hasBrokerRole()) {
        int pods = Observed.statefulSetReplicas(cr, pool, context);
        if (pods > pool.replicas()) {
          running.put(pool.kind(), pods);
        }
      }
    }
    List<Pool> reading =
        pools.stream()
            .map(p -> p.withReplicas(running.getOrDefault(p.kind(), p.replicas())))
            .toList();
    BrokerCordons cordons = BrokerCordons.of(cr, partitions, reading, now);
    cordons.liftWanted(ClusterModel.pools(cr)); // as the spec sizes them, not as kept for voters
    if (running.isEmpty()) {
      return Keep.none().with(cordons);
    }
    Set<Integer> leaving = new TreeSet<>();
    for (Pool pool : pools) {
      for (int ordinal = pool.replicas();
          ordinal < running.getOrDefault(pool.kind(), 0);
          ordinal++) {
        leaving.add(pool.nodeId(ordinal));
      }
    }
    // a cordon is set through the broker itself (Kafka's controllers only lift one), and a
    // Plaintext cluster's brokers take no broker config change from their client listener, the
    // only one the operator reaches there (ADR 045): there, as below 4.3-IV0, the one read of the
    // partitions decides
    if (BrokerCordons.supported(Observed.finalizedLevel(cr, context))
        && QuorumObservation.runsTls(cr)) {
      Optional<Hold> wait = cordons.cordon(leaving, now);
      if (wait.isPresent()) {
        return new Keep(running, wait).with(cordons);
      }
    }
    return read(pools, running, partitions.through(reading)).with(cordons);
  }

  private static Keep read(
      List<Pool> pools, Map<PoolKind, Integer> running, Optional<List<PartitionIsr>> read) {
    if (read.isEmpty()) {
      return new Keep(
          running,
          Optional.of(
              Hold.blocked(
                  "the spec drops broker pods, but which partitions they hold cannot be read (no"
                      + " broker answers): they stay until it can")));
    }
    Map<PoolKind, Integer> keep = new EnumMap<>(PoolKind.class);
    Set<Integer> holding = new TreeSet<>();
    Set<String> held = new TreeSet<>();
    for (Pool pool : pools) {
      Integer pods = running.get(pool.kind());
      if (pods == null) {
        continue;
      }
      int highest = -1;
      for (int ordinal = pool.replicas(); ordinal < pods; ordinal++) {
        int id = pool.nodeId(ordinal);
        for (PartitionIsr p : read.get()) {
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
            Hold.blocked(
                "the spec drops broker pods, but "
                    + BrokerCordons.brokers(holding)
                    + (holding.size() == 1 ? " still holds" : " still hold")
                    + " replicas of "
                    + held.size()
                    + (held.size() == 1 ? " partition (" : " partitions (")
                    + String.join(", ", named)
                    + (held.size() > NAMED ? ", ..." : "")
                    + "): their pods stay until the partitions are reassigned to the brokers that"
                    + " remain (kafka-reassign-partitions)")));
  }
}
