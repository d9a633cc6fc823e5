package io.quorumkeeper.operator.quorum;

import java.time.Duration;
import java.util.Map;

/**
 * What the user allows the planner to do, from the spec and annotations.
 *
 * @param desiredVoters {@code spec.controllers.voters} in force (odd)
 * @param blockedBecause why healing may not act (ReportOnly, paused), or null when it may
 * @param strandedGrace a pod stuck terminating or on a NotReady node this long may be deleted
 * @param strandedPods how long each stranded controller pod has been stuck, by pod name
 */
public record HealingPolicy(
    int desiredVoters,
    String blockedBecause,
    Duration strandedGrace,
    Map<String, Duration> strandedPods) {

  public HealingPolicy {
    strandedPods = Map.copyOf(strandedPods);
  }

  public boolean mayAct() {
    return blockedBecause == null;
  }
}
