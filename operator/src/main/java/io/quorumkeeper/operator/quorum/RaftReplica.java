package io.quorumkeeper.operator.quorum;

import java.util.OptionalLong;

/**
 * One replica of the metadata log as the leader reports it: a voter or an observer incarnation.
 * Timestamps are the leader's clock, in epoch milliseconds.
 */
public record RaftReplica(
    int nodeId,
    String directoryId,
    long logEndOffset,
    OptionalLong lastFetchMs,
    OptionalLong lastCaughtUpMs) {}
