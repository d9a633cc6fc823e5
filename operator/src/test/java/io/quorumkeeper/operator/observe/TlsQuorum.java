package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import io.quorumkeeper.operator.quorum.RaftReplica;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Three real nodes of a TLS cluster as the operator's client sees them, for the Kraft tests. */
record TlsQuorum(AdminQuorumClient operator, String cluster, Pool pool) {

  RaftQuorum describe() {
    try {
      return operator.describe(cluster, controllers());
    } catch (QuorumUnavailableException e) {
      throw new AssertionError(e);
    }
  }

  RaftReplica aFollower() {
    RaftQuorum quorum = describe();
    return quorum.voters().stream()
        .filter(v -> v.nodeId() != quorum.leaderId().getAsInt())
        .findFirst()
        .orElseThrow();
  }

  String controllers() {
    return pool.controllerEndpoints();
  }

  /** The three nodes on {@code port}, for {@code bootstrap.servers}. */
  String brokers(int port) {
    return IntStream.range(0, 3)
        .mapToObj(i -> pool.podHost(i) + ":" + port)
        .collect(Collectors.joining(","));
  }
}
