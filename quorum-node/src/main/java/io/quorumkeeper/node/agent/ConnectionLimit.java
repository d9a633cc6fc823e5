package io.quorumkeeper.node.agent;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
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

  /**
   * New connections a source address may open at once, and per second after that. Each costs the
   * agent's one event-loop thread a TLS handshake (a signature and a key agreement) before any
   * request is read; a source opening connections faster than the thread can handshake them would
   * keep every probe waiting until its 1 s timeout, and the liveness probe restarts every pod at
   * once. The kubelet opens about one a second per pod, the operator and a scrape keep theirs.
   */
  static final int BURST = 20;

  static final int PER_SECOND = 10;

  /** Sources remembered for their rate beyond this many are dropped once idle. */
  private static final int SOURCES_KEPT = 256;

  private final int max;

  /** A source remembered this long without a new connection has its whole allowance back. */
  private static final long FORGOTTEN_AFTER_NANOS =
      Duration.ofSeconds(BURST / PER_SECOND + 1).toNanos();

  /** Each source's allowance of new connections. */
  private final Map<Object, Allowance> allowance = new HashMap<>();

  /** New connections a source may still open, in thousandths of one; when it was last refilled. */
  private static final class Allowance {
    long thousandths = BURST * 1000L;
    long refilledAt;
    boolean warned;

    Allowance(long now) {
      refilledAt = now;
    }
  }

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
  boolean admit(Channel channel) {
    Channel evicted = null;
    boolean firstEviction = false;
    synchronized (this) {
      if (!allowed(source(channel.remoteAddress()), System.nanoTime())) {
        channel.close(); // before any handshake: what the source costs is the accept alone
        return false;
      }
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
    return true;
  }

  /**
   * Takes one new connection from {@code source}'s allowance ({@link #BURST}, refilled at {@link
   * #PER_SECOND}); false when it has none left, with a warning the first time until the allowance
   * is whole again.
   */
  private boolean allowed(Object source, long now) {
    if (allowance.size() > SOURCES_KEPT) {
      allowance.values().removeIf(a -> now - a.refilledAt > FORGOTTEN_AFTER_NANOS);
    }
    Allowance a = allowance.computeIfAbsent(source, s -> new Allowance(now));
    long refill = (now - a.refilledAt) * PER_SECOND / 1_000_000L; // thousandths of a connection
    a.thousandths = Math.min(BURST * 1000L, a.thousandths + refill);
    a.refilledAt = now;
    if (a.thousandths == BURST * 1000L) {
      a.warned = false; // a whole burst's allowance back: a later throttling is worth a warning
    }
    if (a.thousandths >= 1000) {
      a.thousandths -= 1000;
      return true;
    }
    if (!a.warned) {
      a.warned = true;
      LOG.warn(
          "agent: {} opens connections faster than {} a second; closing its new ones until it"
              + " slows down",
          source,
          PER_SECOND);
    }
    return false;
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
