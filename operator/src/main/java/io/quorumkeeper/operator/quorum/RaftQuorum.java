package io.quorumkeeper.operator.quorum;

import java.util.List;
import java.util.OptionalInt;

/** The controller quorum as Kafka's {@code describeMetadataQuorum} reports it, as plain values. */
public record RaftQuorum(
    OptionalInt leaderId,
    long leaderEpoch,
    long highWatermark,
    List<RaftReplica> voters,
    List<RaftReplica> observers) {

  public RaftQuorum {
    voters = List.copyOf(voters);
    observers = List.copyOf(observers);
  }
}
