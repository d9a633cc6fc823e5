package io.quorumkeeper.node.agent;

import java.time.Duration;

/**
 * What one client may cost the agent, which shares the Kafka JVM's threads, heap and file
 * descriptors.
 *
 * @param maxConnections open connections at most; a newcomer beyond it is admitted and the
 *     longest-idle connection of the source holding the most is closed ({@link ConnectionLimit})
 * @param requestDeadline how long a request may take to arrive in full, from its first byte (or
 *     from the connection's opening for the first request); a client trickling its header is closed
 *     when it passes
 * @param maxContentBytes the largest request body; every route is a GET, so any body is suspect
 */
public record AgentLimits(int maxConnections, Duration requestDeadline, int maxContentBytes) {

  /** Probes, the operator's poll and a scrape need a handful; 32 leaves room for bursts. */
  public static final int DEFAULT_MAX_CONNECTIONS = 32;

  public static final AgentLimits DEFAULT =
      new AgentLimits(DEFAULT_MAX_CONNECTIONS, Duration.ofSeconds(5), 16 * 1024);

  public AgentLimits {
    if (maxConnections < 1 || maxContentBytes < 0 || requestDeadline.isNegative()) {
      throw new IllegalArgumentException(
          "agent limits must be positive: " + maxConnections + ", " + requestDeadline);
    }
  }

  public AgentLimits withMaxConnections(int max) {
    return new AgentLimits(max, requestDeadline, maxContentBytes);
  }
}
