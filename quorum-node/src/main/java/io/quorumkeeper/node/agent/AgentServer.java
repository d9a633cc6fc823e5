package io.quorumkeeper.node.agent;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.quorumkeeper.node.LaunchException;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty HTTP(S) server of the agent: binds the pod IP and {@code agent.port} and hands each
 * request to {@link AgentRoutes}. One daemon event-loop thread is plenty for probes and a scrape
 * every few seconds, and a daemon thread never keeps the pod alive after Kafka exits. It shares the
 * Kafka JVM, so {@link AgentLimits} bound what a client can cost it: connections (a full agent
 * closes the longest-idle connection of whoever holds the most, {@link ConnectionLimit}), the time
 * a request may take to arrive, and its size.
 */
public final class AgentServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);
  private static final int MAX_INITIAL_LINE = 4096;
  private static final int MAX_HEADER_SIZE = 8192;
  private static final int IDLE_SECONDS = 60;

  /**
   * Answers a connection may have waiting unsent, in bytes, before it counts as not reading them
   * (Netty's write-buffer water marks): a connection that sends a request while more than {@link
   * #UNSENT_HIGH_BYTES} wait is closed ({@link AgentChannelHandler}). Without a bound a client that
   * sends requests and never reads the answers made the agent queue answers in direct memory until
   * the pod ran out of memory. The largest answer (/metrics) is far below it.
   */
  static final int UNSENT_HIGH_BYTES = 64 * 1024;

  static final int UNSENT_LOW_BYTES = 32 * 1024;

  private final EventLoopGroup group;
  private final Channel channel;

  private AgentServer(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** Binds and starts serving with {@link AgentLimits#DEFAULT}. */
  public static AgentServer start(String host, int port, AgentRoutes routes) {
    return start(host, port, routes, AgentLimits.DEFAULT);
  }

  /** Binds and starts serving HTTP; a bind failure is a {@link LaunchException}. */
  public static AgentServer start(String host, int port, AgentRoutes routes, AgentLimits limits) {
    return start(host, port, routes, limits, Optional.empty());
  }

  /**
   * Binds and starts serving, HTTPS when {@code tls} is given; a bind failure is a {@link
   * LaunchException} naming the address. A TLS handshake has the request deadline to complete, and
   * a TLS connection counts against the connection limit like any other.
   */
  public static AgentServer start(
      String host, int port, AgentRoutes routes, AgentLimits limits, Optional<SSLContext> tls) {
    ConnectionLimit connections = new ConnectionLimit(limits.maxConnections());
    EventLoopGroup group = new NioEventLoopGroup(1, new DefaultThreadFactory("quorum-agent", true));
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(UNSENT_LOW_BYTES, UNSENT_HIGH_BYTES))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    if (connections.admit(ch)) {
                      pipeline(ch, routes, limits, tls);
                    }
                  }
                });
    try {
      Channel channel = bootstrap.bind(new InetSocketAddress(host, port)).sync().channel();
      AgentServer server = new AgentServer(group, channel);
      LOG.info(
          "agent listening on {}://{}:{} (at most {} connections)",
          tls.isPresent() ? "https" : "http",
          host,
          server.address().getPort(),
          limits.maxConnections());
      return server;
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
      throw LaunchException.badInput(
          "agent cannot listen on " + host + ":" + port + ": " + e.getMessage());
    }
  }

  /**
   * Idle timeout, TLS if any, request deadline, HTTP codec, size limit, routes. The admission (and
   * the tracker of each connection's last read, which decides whom a full agent closes) comes
   * first, before any handshake work.
   */
  private static void pipeline(
      SocketChannel ch, AgentRoutes routes, AgentLimits limits, Optional<SSLContext> tls) {
    ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
    tls.ifPresent(context -> ch.pipeline().addLast(sslHandler(context, limits)));
    ch.pipeline()
        .addLast(new RequestDeadline(limits.requestDeadline()))
        .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
        .addLast(new BoundedAggregator(limits.maxContentBytes(), routes))
        .addLast(new AgentChannelHandler(routes));
  }

  /**
   * The only TLS version the agent speaks. TLS 1.3 has no renegotiation: over TLS 1.2 one
   * connection could ask for handshake after handshake, each a signature on the agent's one
   * event-loop thread, past the per-source handshake limit ({@link ConnectionLimit}), which counts
   * connections. Every caller speaks 1.3: the kubelet and Prometheus (Go), the operator and the
   * peers' launchers (the JDK).
   */
  static final String TLS_VERSION = "TLSv1.3";

  /** Sits before {@link RequestDeadline}, which therefore sees the decrypted request bytes. */
  private static SslHandler sslHandler(SSLContext context, AgentLimits limits) {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setEnabledProtocols(new String[] {TLS_VERSION});
    SslHandler handler = new SslHandler(engine);
    handler.setHandshakeTimeout(limits.requestDeadline().toMillis(), TimeUnit.MILLISECONDS);
    return handler;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
  }
}
