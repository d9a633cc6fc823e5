package io.quorumkeeper.node.agent;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the agent's open connections and refuses those beyond {@link AgentLimits#maxConnections}:
 * every connection holds a file descriptor of the Kafka JVM.
 */
final class ConnectionLimit {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicBoolean saturated = new AtomicBoolean();

  ConnectionLimit(int max) {
    this.max = max;
  }

  /**
   * Admits a freshly accepted channel, or closes it at once when {@code max} are already open.
   *
   * @return whether the channel was admitted
   */
  boolean admit(Channel channel) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      if (saturated.compareAndSet(false, true)) {
        LOG.warn(
            "agent has {} connections open, its limit; refusing {} and any more until one closes",
            max,
            channel.remoteAddress());
      }
      channel.close();
      return false;
    }
    channel
        .closeFuture()
        .addListener(
            closed -> {
              open.decrementAndGet();
              saturated.set(false);
            });
    return true;
  }
}
