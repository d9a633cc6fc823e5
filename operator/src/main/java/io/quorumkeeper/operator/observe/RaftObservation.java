package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The latest answer (or failure) of a cluster's controllers, as cached by the observation event
 * source between reconciles.
 */
public record RaftObservation(
    String cluster,
    Instant observedAt,
    Optional<RaftQuorum> raft,
    String failure,
    Map<Integer, AgentReport> agents) {

  public RaftObservation {
    agents = Map.copyOf(agents);
  }

  public RaftObservation(
      String cluster, Instant observedAt, Optional<RaftQuorum> raft, String failure) {
    this(cluster, observedAt, raft, failure, Map.of());
  }
}
