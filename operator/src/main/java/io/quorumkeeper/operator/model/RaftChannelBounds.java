package io.quorumkeeper.operator.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Broker-wide {@code kafka.config} values that Kafka also applies to the controllers' own raft
 * connections (ADR 039): the raft client's network client is built with the node's {@code
 * connections.max.idle.ms}, {@code socket.receive.buffer.bytes} and {@code
 * socket.connection.setup.timeout(.max).ms}, and the controller listener serves it with {@code
 * socket.send.buffer.bytes}. A value that breaks them passes a follower's restart unnoticed (it
 * still fetches from the old leader) and costs the quorum when every node runs it. The operator
 * refuses a value outside what those connections live with; a value inside is passed through.
 */
final class RaftChannelBounds {

  private static final long KIB = 1024;

  private static final Map<String, ConfigBounds.Bound> BOUNDS = new LinkedHashMap<>();

  static {
    BOUNDS.put(
        "connections.max.idle.ms",
        new ConfigBounds.Bound(
            v -> v == -1 || v >= 30_000,
            "-1 (never closed as idle) or at least 30000 (30 s): the controllers' raft connections"
                + " idle while a fetch waits for records (500 ms at a time), and Kafka closes them"
                + " when idle longer than this"));
    BOUNDS.put(
        "socket.connection.setup.timeout.ms",
        new ConfigBounds.Bound(
            v -> v >= 1_000 && v <= 60_000,
            "from 1000 to 60000: below, a controller gives up connecting to its peers before a"
                + " connection can be set up; above, a vote waits that long on a dead peer"));
    BOUNDS.put(
        "socket.connection.setup.timeout.max.ms",
        new ConfigBounds.Bound(
            v -> v >= 1_000 && v <= 120_000,
            "from 1000 to 120000, as socket.connection.setup.timeout.ms"));
    BOUNDS.put(
        "socket.receive.buffer.bytes",
        new ConfigBounds.Bound(
            v -> v == -1 || v >= 32 * KIB,
            "-1 (the system's) or at least 32768: the controllers fetch the metadata log through"
                + " it"));
    BOUNDS.put(
        "socket.send.buffer.bytes",
        new ConfigBounds.Bound(
            v -> v == -1 || v >= 32 * KIB,
            "-1 (the system's) or at least 32768: the controller listener answers fetches"
                + " through it"));
  }

  private RaftChannelBounds() {}

  /** What is wrong with these values, one message each; empty when nothing is. */
  static List<String> check(Map<String, String> config) {
    return ConfigBounds.check(config, BOUNDS, "what the controllers' raft connections live with");
  }
}
