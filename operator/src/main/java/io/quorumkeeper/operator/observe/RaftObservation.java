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
 * @param clusterUid the uid of the QuorumCluster the round was made for (null: not known). A
 *     cluster deleted and created again under its name within a round is another cluster: a round
 *     of the old one that ends after the new one exists must not count as the new one's ({@link
 *     #isAbout}).
 */
public record RaftObservation(
    String cluster,
    Instant observedAt,
    Optional<RaftQuorum> raft,
    String failure,
    Map<Integer, AgentReport> agents,
    Instant epochSeenSince,
    OptionalInt metadataVersion,
    Instant askedAt,
    String clusterUid) {

  public RaftObservation {
    agents = Map.copyOf(agents);
  }

  /** This observation, made for the QuorumCluster whose uid is {@code uid}. */
  public RaftObservation madeFor(String uid) {
    return new RaftObservation(
        cluster, observedAt, raft, failure, agents, epochSeenSince, metadataVersion, askedAt, uid);
  }

  /**
   * Whether this observation may describe the QuorumCluster whose uid is {@code uid}: made for it,
   * or for a cluster whose uid was not known.
   */
  public boolean isAbout(String uid) {
    return clusterUid == null || uid == null || clusterUid.equals(uid);
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
        observedAt,
        null);
  }

  public RaftObservation(
      String cluster, Instant observedAt, Optional<RaftQuorum> raft, String failure) {
    this(cluster, observedAt, raft, failure, Map.of(), Instant.EPOCH);
  }
}
