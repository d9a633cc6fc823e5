package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.quorum.RaftQuorum;
import java.time.Instant;
import java.util.Optional;

/**
 * The latest answer (or failure) of a cluster's controllers, as cached by the observation event
 * source between reconciles.
 */
public record RaftObservation(
    String cluster, Instant observedAt, Optional<RaftQuorum> raft, String failure) {}
