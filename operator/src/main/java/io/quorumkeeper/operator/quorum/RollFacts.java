package io.quorumkeeper.operator.quorum;

import java.util.List;
import java.util.Optional;

/**
 * Everything the roll planner decides on.
 *
 * @param pods every pod the spec wants, controllers and brokers
 * @param view the classified quorum, empty when no controller answered
 * @param partitions every partition's ISR, empty when unknown (then no broker-role pod restarts)
 * @param inFlight the restart recorded in status by an earlier pass, if any
 * @param membershipInFlight healing has a voter-set change in flight or acts this pass
 */
public record RollFacts(
    List<RollPod> pods,
    Optional<QuorumView> view,
    Optional<List<PartitionIsr>> partitions,
    Optional<RollStep> inFlight,
    boolean membershipInFlight) {

  public RollFacts {
    pods = List.copyOf(pods);
    partitions = partitions.map(List::copyOf);
  }
}
