package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.quorum.RaftQuorum;

/** Reads a cluster's controller quorum from Kafka. Implementations bound every call in time. */
public interface QuorumClient extends AutoCloseable {

  /**
   * Kafka's view of the quorum.
   *
   * @param cluster namespace/name, to reuse connections per cluster
   * @param bootstrapControllers host:port of the controllers, comma-separated
   */
  RaftQuorum describe(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException;

  /** Releases what is held for a cluster that is gone. */
  void forget(String cluster);

  @Override
  void close();
}
