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

  /** Restarting {@code broker} would take this partition below its min.insync.replicas. */
  public boolean dropsBelowMinIsr(int broker) {
    return isr.contains(broker) && isr.size() - 1 < minIsr;
  }
}
