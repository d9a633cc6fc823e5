package io.quorumkeeper.node.agent;

/**
 * Reads this node's current state. The real one reads Kafka's metrics from the platform
 * MBeanServer; tests pass a fake. Implementations must be cheap and thread-safe: the agent calls
 * them on its event loop.
 */
@FunctionalInterface
public interface NodeProbe {
  NodeStatus status();
}
