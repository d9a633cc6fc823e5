package io.quorumkeeper.operator.quorum;

import java.time.Duration;
import java.time.Instant;
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
 * @param now the operator's clock
 * @param settle how long a pod must have been Ready to count as back
 */
public record RollFacts(
    List<RollPod> pods,
    Optional<QuorumView> view,
    Optional<List<PartitionIsr>> partitions,
    Optional<RollStep> inFlight,
    boolean membershipInFlight,
    Instant now,
    Duration settle) {

  public RollFacts {
    pods = List.copyOf(pods);
    partitions = partitions.map(List::copyOf);
  }

  /** Facts without a settling time: a pod counts as back as soon as it is Ready. */
  public RollFacts(
      List<RollPod> pods,
      Optional<QuorumView> view,
      Optional<List<PartitionIsr>> partitions,
      Optional<RollStep> inFlight,
      boolean membershipInFlight) {
    this(pods, view, partitions, inFlight, membershipInFlight, Instant.EPOCH, Duration.ZERO);
  }
}
