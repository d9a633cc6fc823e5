package io.quorumkeeper.node.agent;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

/**
 * Aggregates a request up to {@code maxContentBytes} and answers anything larger with a JSON 413,
 * then closes the connection: unlike Netty's default it never keeps reading and discarding the rest
 * of a large body on a keep-alive connection.
 */
final class BoundedAggregator extends HttpObjectAggregator {

  private final AgentRoutes routes;

  BoundedAggregator(int maxContentBytes, AgentRoutes routes) {
    super(maxContentBytes);
    this.routes = routes;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
    AgentChannelHandler.write(ctx, routes.tooLarge(maxContentLength()), false);
  }
}
