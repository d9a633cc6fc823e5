package io.quorumkeeper.node.agent;

/**
 * An HTTP request as the agent's routes see it, free of Netty types.
 *
 * @param path the decoded path without query string
 * @param authorization the {@code Authorization} header, or {@code null}
 */
public record AgentRequest(String method, String path, String authorization) {}
