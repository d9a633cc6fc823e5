package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The latest answer (or failure) of a cluster's controllers, as cached by the observation event
 * source between reconciles.
 *
 * @param epochSeenSince when the operator first saw the current leader epoch ({@link Instant#EPOCH}
 *     when unknown): a new leader knows nothing of its followers until they fetch
 */
public record RaftObservation(
    String cluster,
    Instant observedAt,
    Optional<RaftQuorum> raft,
    String failure,
    Map<Integer, AgentReport> agents,
    Instant epochSeenSince) {

  public RaftObservation {
    agents = Map.copyOf(agents);
  }

  public RaftObservation(
      String cluster, Instant observedAt, Optional<RaftQuorum> raft, String failure) {
    this(cluster, observedAt, raft, failure, Map.of(), Instant.EPOCH);
  }
}
