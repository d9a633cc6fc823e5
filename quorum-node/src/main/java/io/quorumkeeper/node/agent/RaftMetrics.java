package io.quorumkeeper.node.agent;

import java.util.Set;

/**
 * One reading of Kafka's raft metrics ({@code kafka.server:type=raft-metrics}).
 *
 * @param state {@code current-state}: leader, follower, observer, candidate, prospective,
 *     unattached, ...
 * @param leaderId {@code current-leader}, -1 when no leader is known
 * @param latencies commit and election latency in milliseconds, NaN before the first sample
 */
public record RaftMetrics(
    String state,
    int leaderId,
    int epoch,
    long highWatermark,
    long logEndOffset,
    Latencies latencies) {

  /** Raft states in which the node follows (or is) a known leader. */
  private static final Set<String> LEADER_KNOWN_STATES = Set.of("leader", "follower", "observer");

  /** Average and maximum latencies, in milliseconds, over Kafka's metric window. */
  public record Latencies(
      double commitAvgMs, double commitMaxMs, double electionAvgMs, double electionMaxMs) {
    public static Latencies unknown() {
      return new Latencies(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
  }

  public boolean followsKnownLeader() {
    return leaderId >= 0 && LEADER_KNOWN_STATES.contains(state);
  }
}
