package io.quorumkeeper.node.agent;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** An HTTP response from the agent's routes: status, content type, body and extra headers. */
public record AgentResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {

  public static final String JSON = "application/json";

  public AgentResponse {
    headers = Map.copyOf(headers);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
