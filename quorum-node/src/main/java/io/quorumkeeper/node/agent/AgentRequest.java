package io.quorumkeeper.node.agent;

/**
 * An HTTP request as the agent's routes see it, free of Netty types.
 *
 * @param path the decoded path without query string
 * @param authorization the {@code Authorization} header, or {@code null}
 * @param waitMs the {@code waitMs} query parameter as sent, or {@code null}: how long a readiness
 *     probe lets the agent hold a "not ready" answer for the node to become ready
 */
public record AgentRequest(String method, String path, String authorization, String waitMs) {

  public AgentRequest(String method, String path, String authorization) {
    this(method, path, authorization, null);
  }
}
