package io.quorumkeeper.node.agent;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty plumbing between the HTTP codec and {@link AgentRoutes}: turns a decoded request into an
 * {@link AgentRequest}, writes the {@link AgentResponse}, and answers undecodable input with a JSON
 * 400 before closing the connection. Request bodies are ignored (every route is a GET); {@link
 * BoundedAggregator} has already refused large ones.
 */
final class AgentChannelHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  private static final Logger LOG = LoggerFactory.getLogger(AgentChannelHandler.class);

  static final String WAIT_PARAMETER = "waitMs";

  /** How often a held readiness request looks at the node again. */
  static final long HOLD_CHECK_MS = 20;

  private final AgentRoutes routes;

  AgentChannelHandler(AgentRoutes routes) {
    this.routes = routes;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    RequestDeadline deadline = ctx.pipeline().get(RequestDeadline.class);
    if (deadline != null) {
      deadline.requestComplete();
    }
    if (!ctx.channel().isWritable()) {
      // a new request while earlier answers wait unsent: the client does not read them, and each
      // answer would be queued in memory (AgentServer.UNSENT_HIGH_BYTES); no real caller (the
      // kubelet, the operator, Prometheus, a peer) sends before it has read its answer
      ctx.close();
      return;
    }
    if (request.decoderResult().isFailure()) {
      Throwable cause = request.decoderResult().cause();
      String why =
          cause instanceof TooLongFrameException
              ? "request line or headers too long"
              : "malformed HTTP request";
      write(ctx, routes.badRequest(why), false);
      return;
    }
    if (request.protocolVersion().majorVersion() != 1) {
      write(ctx, routes.badRequest("unsupported HTTP version; use HTTP/1.0 or HTTP/1.1"), false);
      return;
    }
    AgentRequest agentRequest;
    try {
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      String authorization = request.headers().get(HttpHeaderNames.AUTHORIZATION);
      List<String> wait = uri.parameters().get(WAIT_PARAMETER);
      agentRequest =
          new AgentRequest(
              request.method().name(),
              uri.path(),
              authorization,
              wait == null || wait.isEmpty() ? null : wait.get(0));
    } catch (IllegalArgumentException e) {
      write(ctx, routes.badRequest("malformed request URI"), false);
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    boolean head = HttpMethod.HEAD.equals(request.method());
    long hold = routes.holdMillis(agentRequest);
    if (hold > 0) {
      // no further request is read from this connection until this one is answered, so answers
      // keep the order of their requests
      ctx.channel().config().setAutoRead(false);
      answerOnceReady(ctx, agentRequest, keepAlive, System.nanoTime() + hold * 1_000_000);
      return;
    }
    write(ctx, routes.handle(agentRequest), keepAlive, head);
  }

  /**
   * Answers a held readiness request as soon as the node is ready or the hold has run out, checking
   * every {@link #HOLD_CHECK_MS} ms on the connection's own event loop (never blocking it).
   */
  private void answerOnceReady(
      ChannelHandlerContext ctx, AgentRequest request, boolean keepAlive, long deadline) {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (routes.ready() || System.nanoTime() - deadline >= 0) {
      write(ctx, routes.handle(request), keepAlive, false);
      ctx.channel().config().setAutoRead(true);
      return;
    }
    ctx.executor()
        .schedule(
            () -> answerOnceReady(ctx, request, keepAlive, deadline),
            HOLD_CHECK_MS,
            TimeUnit.MILLISECONDS);
  }

  static void write(ChannelHandlerContext ctx, AgentResponse response, boolean keepAlive) {
    write(ctx, response, keepAlive, false);
  }

  private static void write(
      ChannelHandlerContext ctx, AgentResponse response, boolean keepAlive, boolean headOnly) {
    FullHttpResponse http =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(response.status()),
            headOnly ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(response.body()));
    http.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, response.contentType())
        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.body().length)
        .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    response.headers().forEach((name, value) -> http.headers().set(name, value));
    if (keepAlive) {
      http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      ctx.writeAndFlush(http);
    } else {
      http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof IdleStateEvent) {
      ctx.close();
    } else {
      super.userEventTriggered(ctx, event);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug(
        "agent connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
