package io.quorumkeeper.operator.quorum;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Optional;

/**
 * What one controller pod's agent ({@code GET /v1/node}) says about its own node: the incarnation
 * on its disk and its own view of the election, which Kafka's Admin API cannot give while no leader
 * is elected.
 *
 * @param directoryId the directory id in the node's {@code meta.properties}
 * @param raftState Kafka's raft state (leader, follower, candidate, ...), or null before it runs
 * @param leaderId the leader this node follows, or null when it knows none
 * @param leaderEpoch the epoch it is in, or null before Kafka reports one
 * @param kafkaVersion the version of the Kafka jars the node runs, or null from an agent older than
 *     version upgrades
 * @param clusterId the cluster id on the node's disk once {@code directoryId} is known (the
 *     launcher refuses a disk of another), the one its pod was given before that; null from an
 *     agent that does not say
 * @param certificateNotAfter when the certificate the node's agent presented in the TLS handshake
 *     expires: the one its pod loaded at start, as Kafka did (never from what the agent says); null
 *     over plain HTTP or when not known
 */
@JsonIgnoreProperties({"certificateNotAfter"}) // the handshake's word, never the agent's
public record AgentReport(
    int nodeId,
    String directoryId,
    String raftState,
    Integer leaderId,
    Integer leaderEpoch,
    String kafkaVersion,
    String clusterId,
    Instant certificateNotAfter) {

  public AgentReport(
      int nodeId,
      String directoryId,
      String raftState,
      Integer leaderId,
      Integer leaderEpoch,
      String kafkaVersion,
      String clusterId) {
    this(nodeId, directoryId, raftState, leaderId, leaderEpoch, kafkaVersion, clusterId, null);
  }

  public AgentReport(
      int nodeId, String directoryId, String raftState, Integer leaderId, Integer leaderEpoch) {
    this(nodeId, directoryId, raftState, leaderId, leaderEpoch, null);
  }

  public AgentReport(
      int nodeId,
      String directoryId,
      String raftState,
      Integer leaderId,
      Integer leaderEpoch,
      String kafkaVersion) {
    this(nodeId, directoryId, raftState, leaderId, leaderEpoch, kafkaVersion, null);
  }

  /** The same report with the expiry of the certificate its agent presented. */
  public AgentReport withCertificateNotAfter(Instant notAfter) {
    return new AgentReport(
        nodeId, directoryId, raftState, leaderId, leaderEpoch, kafkaVersion, clusterId, notAfter);
  }

  /** The cluster id of the disk this node has read, if it has read one and says. */
  public Optional<String> diskClusterId() {
    return directoryId == null ? Optional.empty() : Optional.ofNullable(clusterId);
  }

  /** "candidate, epoch 7", "follower of 2, epoch 7": for status messages. */
  public String describe() {
    StringBuilder out = new StringBuilder(raftState == null ? "starting" : raftState);
    if (leaderId != null && !"leader".equalsIgnoreCase(raftState)) {
      out.append(" of ").append(leaderId);
    }
    if (leaderEpoch != null) {
      out.append(", epoch ").append(leaderEpoch);
    }
    return out.toString();
  }
}
