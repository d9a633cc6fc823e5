package io.quorumkeeper.node.agent;

import io.quorumkeeper.node.config.ProcessRole;
import java.util.Optional;

/**
 * A snapshot of this node as the agent reports it.
 *
 * @param kafkaAlive the in-process Kafka server has not stopped or failed
 * @param raft empty until Kafka has registered its raft metrics
 * @param brokerRunning whether the broker role has reached RUNNING; empty for controller-only nodes
 * @param metadataRecordsOnDisk whether the metadata log on disk holds any record (empty when
 *     unknown): durable evidence that the quorum formed, from the moment the node starts (ADR 004)
 * @param raftStalled for a controller whose raft thread has given no sign of life for the stall
 *     time ({@link RaftStallWatch}), what it last showed; empty otherwise
 */
public record NodeStatus(
    NodeIdentity identity,
    boolean kafkaAlive,
    Optional<RaftMetrics> raft,
    Optional<Boolean> brokerRunning,
    Optional<Boolean> metadataRecordsOnDisk,
    Optional<String> raftStalled) {

  /** A status whose high watermark is not watched. */
  public NodeStatus(
      NodeIdentity identity,
      boolean kafkaAlive,
      Optional<RaftMetrics> raft,
      Optional<Boolean> brokerRunning,
      Optional<Boolean> metadataRecordsOnDisk) {
    this(identity, kafkaAlive, raft, brokerRunning, metadataRecordsOnDisk, Optional.empty());
  }

  /** A status that says nothing of the disk. */
  public NodeStatus(
      NodeIdentity identity,
      boolean kafkaAlive,
      Optional<RaftMetrics> raft,
      Optional<Boolean> brokerRunning) {
    this(identity, kafkaAlive, raft, brokerRunning, Optional.empty());
  }

  /**
   * Readiness as docs/design.md section 4 defines it: Kafka is serving, a controller follows a
   * known leader and holds every record its high watermark says is committed, and a broker has
   * reached RUNNING. A combined node needs both. The high watermark is known to a follower from its
   * first fetch answer on, so a restarted controller is not ready on the leader it remembers alone:
   * the PodDisruptionBudget counts it healthy, and lets a drain evict another voter, only once it
   * has caught up. A controller whose raft thread has stopped (stuck on a blocked disk) is not
   * ready either, however its last metrics read (ADR 031).
   */
  public Readiness readiness() {
    if (!kafkaAlive) {
      return Readiness.notReady("Kafka has stopped");
    }
    if (identity.hasRole(ProcessRole.CONTROLLER)) {
      if (raft.isEmpty()) {
        return Readiness.notReady("Kafka has not started its raft client yet");
      }
      RaftMetrics metrics = raft.get();
      if (!metrics.followsKnownLeader()) {
        return Readiness.notReady("raft state " + metrics.state() + ", no known leader");
      }
      if (metrics.highWatermark() < 0) {
        return Readiness.notReady(
            "raft state "
                + metrics.state()
                + ", leader "
                + metrics.leaderId()
                + ", high watermark not known yet");
      }
      if (metrics.logEndOffset() < metrics.highWatermark()) {
        return Readiness.notReady(
            "catching up: log end offset "
                + metrics.logEndOffset()
                + " below the high watermark "
                + metrics.highWatermark());
      }
      if (raftStalled.isPresent()) {
        return Readiness.notReady(raftStalled.get());
      }
    }
    if (identity.hasRole(ProcessRole.BROKER) && !brokerRunning.orElse(false)) {
      return Readiness.notReady("broker is not RUNNING yet");
    }
    return raft.map(m -> Readiness.ready("raft state " + m.state() + ", leader " + m.leaderId()))
        .orElse(Readiness.ready("broker RUNNING"));
  }

  /** The readiness verdict and a reason a person can read. */
  public record Readiness(boolean ready, String reason) {
    static Readiness ready(String reason) {
      return new Readiness(true, reason);
    }

    static Readiness notReady(String reason) {
      return new Readiness(false, reason);
    }
  }
}
