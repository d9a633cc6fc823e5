package io.quorumkeeper.operator.quorum;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Everything observed about one cluster's quorum at one moment: Kafka's view (absent when no
 * controller answered) and the pods behind the controller node ids. Immutable.
 *
 * @param cluster namespace/name of the QuorumCluster
 * @param controllerPodNames the pod name of every node id the controller pool can have
 * @param controllerPods facts about the controller pods that exist
 * @param failure why Kafka's view is missing, for status messages
 * @param agents what each controller pod's agent said of its own node, by node id (those that
 *     answered)
 * @param epochSeenSince when the current leader epoch was first observed ({@link Instant#EPOCH}
 *     when unknown); a replica the new leader has not heard from is not judged before long
 */
public record QuorumSnapshot(
    String cluster,
    Instant observedAt,
    Optional<RaftQuorum> raft,
    Map<Integer, String> controllerPodNames,
    Map<Integer, PodFacts> controllerPods,
    String failure,
    Map<Integer, AgentReport> agents,
    Instant epochSeenSince) {

  public QuorumSnapshot {
    controllerPodNames = Map.copyOf(controllerPodNames);
    controllerPods = Map.copyOf(controllerPods);
    agents = Map.copyOf(agents);
  }

  /** A snapshot without agent reports. */
  public QuorumSnapshot(
      String cluster,
      Instant observedAt,
      Optional<RaftQuorum> raft,
      Map<Integer, String> controllerPodNames,
      Map<Integer, PodFacts> controllerPods,
      String failure) {
    this(
        cluster,
        observedAt,
        raft,
        controllerPodNames,
        controllerPods,
        failure,
        Map.of(),
        Instant.EPOCH);
  }

  /** The same snapshot with Kafka's answer to a later ask, arrived at {@code answeredAt}. */
  public QuorumSnapshot withRaft(RaftQuorum later, Instant answeredAt) {
    return new QuorumSnapshot(
        cluster,
        answeredAt,
        Optional.of(later),
        controllerPodNames,
        controllerPods,
        null,
        agents,
        epochSeenSince);
  }

  public boolean hasLeader() {
    return raft.isPresent() && raft.get().leaderId().isPresent();
  }
}
