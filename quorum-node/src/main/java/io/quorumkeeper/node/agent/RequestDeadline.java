package io.quorumkeeper.node.agent;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose request does not arrive in full within the deadline. It sits before the
 * HTTP codec, so it sees raw bytes: the clock starts when the connection opens (for the first
 * request) or at the first byte of a later request, and stops when {@link AgentChannelHandler} has
 * a complete request. A read timeout alone would let a client keep a connection forever by sending
 * one byte every few seconds.
 */
final class RequestDeadline extends ChannelDuplexHandler {

  private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);

  private final Duration deadline;
  private ScheduledFuture<?> pending;

  RequestDeadline(Duration deadline) {
    this.deadline = deadline;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx);
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof ByteBuf bytes && bytes.isReadable() && pending == null) {
      arm(ctx);
    }
    super.channelRead(ctx, msg);
  }

  /** The request has been read in full: stop the clock until the next one starts. */
  void requestComplete() {
    cancel();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void arm(ChannelHandlerContext ctx) {
    pending =
        ctx.executor()
            .schedule(
                () -> {
                  LOG.debug(
                      "agent closes {}: no complete request within {} ms",
                      ctx.channel().remoteAddress(),
                      deadline.toMillis());
                  ctx.close();
                },
                deadline.toNanos(),
                TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (pending != null) {
      pending.cancel(false);
      pending = null;
    }
  }
}
