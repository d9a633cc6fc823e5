package io.quorumkeeper.operator.quorum;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * What the spec, the annotations and Kubernetes tell the planner beyond Kafka's view of the quorum.
 *
 * @param desiredVoters {@code spec.controllers.voters} in force (odd, except when a refused spec's
 *     stored one would shrink the quorum and the count it has is kept)
 * @param blockedBecause why healing may not act (ReportOnly, paused), or null when it may
 * @param unreachableAfter a voter silent this long may be replaced by a spare ({@code
 *     healing.unreachableAfter}); a pod restart or a short node blip is not worth a membership
 *     change
 * @param strandedGrace a pod stuck terminating or on a NotReady node this long may be deleted
 * @param strandedPods each stranded controller pod, by pod name
 * @param retiring node ids whose pods the spec no longer keeps (the controller pool shrinks): their
 *     voters are moved out (added-first replacement or removal) before the pods go, and they are
 *     never chosen as a new voter
 * @param zones the zone of each controller node id's Kubernetes node, where known
 * @param settleAfter how long a phase sent to Kafka may still be committing (Kafka's own request
 *     timeout territory); an operation is abandoned only once its last send is older than this
 */
public record HealingPolicy(
    int desiredVoters,
    String blockedBecause,
    Duration unreachableAfter,
    Duration strandedGrace,
    Map<String, Stranded> strandedPods,
    Set<Integer> retiring,
    Map<Integer, String> zones,
    Duration settleAfter) {

  /** How long the next phase waits for an earlier one Kafka may still commit. */
  public static final Duration SETTLE_AFTER = Duration.ofSeconds(10);

  /**
   * A pod stuck terminating or on a NotReady node.
   *
   * @param uid the pod object seen stuck: a pod re-created under its name is another object
   * @param stuckFor how long it has been stuck
   */
  public record Stranded(String uid, Duration stuckFor) {}

  public HealingPolicy {
    strandedPods = Map.copyOf(strandedPods);
    retiring = Set.copyOf(retiring);
    zones = Map.copyOf(zones);
  }

  /** Auto healing of {@code voters} voters with the default timings and nothing else known. */
  public static HealingPolicy auto(int voters) {
    return new HealingPolicy(
        voters,
        null,
        Duration.ofSeconds(30),
        Duration.ofMinutes(2),
        Map.of(),
        Set.of(),
        Map.of(),
        SETTLE_AFTER);
  }

  public HealingPolicy blocked(String because) {
    return new HealingPolicy(
        desiredVoters,
        because,
        unreachableAfter,
        strandedGrace,
        strandedPods,
        retiring,
        zones,
        settleAfter);
  }

  public HealingPolicy withUnreachableAfter(Duration d) {
    return new HealingPolicy(
        desiredVoters,
        blockedBecause,
        d,
        strandedGrace,
        strandedPods,
        retiring,
        zones,
        settleAfter);
  }

  /**
   * This policy with at least {@code voters} voters in force: healing under a spec that asks for
   * fewer keeps them (a refused spec's stored one, which nobody may have asked for).
   */
  public HealingPolicy withAtLeastVoters(int voters) {
    if (voters <= desiredVoters) {
      return this;
    }
    return new HealingPolicy(
        voters,
        blockedBecause,
        unreachableAfter,
        strandedGrace,
        strandedPods,
        retiring,
        zones,
        settleAfter);
  }

  public HealingPolicy withStranded(Map<String, Stranded> pods) {
    return new HealingPolicy(
        desiredVoters,
        blockedBecause,
        unreachableAfter,
        strandedGrace,
        pods,
        retiring,
        zones,
        settleAfter);
  }

  public HealingPolicy withRetiring(Set<Integer> nodeIds) {
    return new HealingPolicy(
        desiredVoters,
        blockedBecause,
        unreachableAfter,
        strandedGrace,
        strandedPods,
        nodeIds,
        zones,
        settleAfter);
  }

  public HealingPolicy withZones(Map<Integer, String> nodeZones) {
    return new HealingPolicy(
        desiredVoters,
        blockedBecause,
        unreachableAfter,
        strandedGrace,
        strandedPods,
        retiring,
        nodeZones,
        settleAfter);
  }

  public boolean mayAct() {
    return blockedBecause == null;
  }

  boolean stays(Member m) {
    return !retiring.contains(m.nodeId());
  }

  /** Nothing sent for the operation's current phase may still be committing in Kafka. */
  boolean settled(Operation op) {
    return op.sinceSent() == null || op.sinceSent().compareTo(settleAfter) >= 0;
  }
}
