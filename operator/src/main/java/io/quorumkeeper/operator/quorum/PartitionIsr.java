package io.quorumkeeper.operator.quorum;

import java.util.Set;

/**
 * One partition's replicas, in-sync replicas and the {@code min.insync.replicas} in force for its
 * topic.
 */
public record PartitionIsr(String partition, Set<Integer> replicas, Set<Integer> isr, int minIsr) {

  public PartitionIsr {
    replicas = Set.copyOf(replicas);
    isr = Set.copyOf(isr);
  }

  /**
   * Restarting {@code broker} would take this partition below its min.insync.replicas, and some
   * order of restarts could avoid it. A partition with no more replicas than min.insync.replicas
   * (replication factor 1, or 2 with min.insync.replicas 2) drops below it whichever of its
   * replicas restarts, so waiting cannot help it: it does not hold the roll (as Strimzi's roller
   * treats it), or one such topic would stop every roll for ever.
   */
  public boolean dropsBelowMinIsr(int broker) {
    return replicas.size() > minIsr && isr.contains(broker) && isr.size() - 1 < minIsr;
  }
}
