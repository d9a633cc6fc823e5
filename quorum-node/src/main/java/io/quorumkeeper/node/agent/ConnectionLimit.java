package io.quorumkeeper.node.agent;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the agent's open connections at {@link AgentLimits#maxConnections} (each holds a file
 * descriptor of the Kafka JVM) without letting any caller lock the others out.
 *
 * <p>The kubelet's probes open a new connection each time, on the same port as everything else. A
 * limit that refused newcomers once full would let whoever holds every connection (32 keep-alive
 * connections re-used every few seconds, from any pod the NetworkPolicy admits or where none is
 * enforced) starve the probes: every pod NotReady, then restarted by its liveness probe, all at
 * once, and the quorum gone. So a newcomer is always admitted, and when the agent is full the
 * connection closed to make room is the longest-idle one of the source address that holds the most:
 * the flooding source pays for its own flood, and a source with one or two connections (a kubelet,
 * the operator's poll, a scrape) keeps them while another holds more.
 */
final class ConnectionLimit {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);

  private final int max;

  /** Each open connection and when it last received a byte (or was accepted); by this. */
  private final Map<Channel, Long> lastRead = new LinkedHashMap<>();

  private boolean saturated;
  private final ChannelHandler reads = new ReadTracker();

  ConnectionLimit(int max) {
    this.max = max;
  }

  /**
   * Admits a freshly accepted channel, its pipeline's first handler noting each read; when {@code
   * max} are already open, first closes the longest-idle connection of the source holding the most
   * (see the class comment).
   */
  void admit(Channel channel) {
    Channel evicted = null;
    boolean firstEviction = false;
    synchronized (this) {
      if (lastRead.size() >= max) {
        evicted = victim();
        lastRead.remove(evicted);
        firstEviction = !saturated;
        saturated = true;
      }
      lastRead.put(channel, System.nanoTime());
    }
    channel.pipeline().addLast(reads);
    channel.closeFuture().addListener(closed -> forget(channel));
    if (evicted != null) {
      if (firstEviction) {
        LOG.warn(
            "agent has {} connections open, its limit; closing the longest-idle one of the source"
                + " holding the most ({}) to admit {}, and so on until fewer are open",
            max,
            evicted.remoteAddress(),
            channel.remoteAddress());
      }
      evicted.close();
    }
  }

  private synchronized void forget(Channel channel) {
    lastRead.remove(channel);
    if (lastRead.size() < max) {
      saturated = false;
    }
  }

  private synchronized void touch(Channel channel) {
    lastRead.computeIfPresent(channel, (c, t) -> System.nanoTime());
  }

  /** The longest-idle connection of the source holding the most; among equals, the idlest. */
  private Channel victim() {
    Map<Object, Integer> held = new HashMap<>();
    for (Channel c : lastRead.keySet()) {
      held.merge(source(c.remoteAddress()), 1, Integer::sum);
    }
    Channel victim = null;
    int victimHeld = 0;
    long victimRead = 0;
    for (Map.Entry<Channel, Long> e : lastRead.entrySet()) {
      int count = held.get(source(e.getKey().remoteAddress()));
      long read = e.getValue();
      if (victim == null || count > victimHeld || (count == victimHeld && read - victimRead < 0)) {
        victim = e.getKey();
        victimHeld = count;
        victimRead = read;
      }
    }
    return victim;
  }

  /** The address a connection comes from, without its port; the address itself if not IP. */
  private static Object source(SocketAddress remote) {
    if (remote instanceof InetSocketAddress inet) {
      InetAddress address = inet.getAddress();
      return address != null ? address : inet.getHostString();
    }
    return String.valueOf(remote);
  }

  @ChannelHandler.Sharable
  private final class ReadTracker extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      touch(ctx.channel());
      ctx.fireChannelRead(msg);
    }
  }
}
