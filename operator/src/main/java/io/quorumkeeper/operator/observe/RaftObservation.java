package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The latest answer (or failure) of a cluster's controllers, as cached by the observation event
 * source between reconciles.
 *
 * @param epochSeenSince when the operator first saw the current leader epoch ({@link Instant#EPOCH}
 *     when unknown): a new leader knows nothing of its followers until they fetch
 * @param metadataVersion the finalized {@code metadata.version} level the controllers reported in
 *     the same round, read here rather than on a reconcile thread (a call to a dead leader would
 *     hold the pass, and the status it writes, for the call's bound)
 * @param askedAt when Kafka was asked for {@link #raft}: the quorum it describes is as of some
 *     moment between this and {@link #observedAt}, the answer's arrival. Evidence that must be
 *     newer than an event (a pod restarted by a roll) counts from here, never from the answer,
 *     since a call may take up to its bound.
 */
public record RaftObservation(
    String cluster,
    Instant observedAt,
    Optional<RaftQuorum> raft,
    String failure,
    Map<Integer, AgentReport> agents,
    Instant epochSeenSince,
    OptionalInt metadataVersion,
    Instant askedAt) {

  public RaftObservation {
    agents = Map.copyOf(agents);
  }

  public RaftObservation(
      String cluster,
      Instant observedAt,
      Optional<RaftQuorum> raft,
      String failure,
      Map<Integer, AgentReport> agents,
      Instant epochSeenSince) {
    this(
        cluster,
        observedAt,
        raft,
        failure,
        agents,
        epochSeenSince,
        OptionalInt.empty(),
        observedAt);
  }

  public RaftObservation(
      String cluster, Instant observedAt, Optional<RaftQuorum> raft, String failure) {
    this(cluster, observedAt, raft, failure, Map.of(), Instant.EPOCH);
  }
}
