package io.quorumkeeper.local.api;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a real API server does with a status replace that carries a {@code resourceVersion} and the
 * mock does not: the mock keeps the stored object's version for a write to {@code .../status} and
 * so accepts any. Kubernetes refuses a stale one with 409 Conflict. The operator's status write
 * relies on that refusal: a pass that planned on an older copy of the cluster (before the pass that
 * recorded a voter change or a restart in status) must not overwrite that record, nor act.
 */
final class StatusPreconditions {

  private StatusPreconditions() {}

  /**
   * The 409 answer when a status replace names a resourceVersion other than the stored one; empty
   * when it may go ahead (another request, no version named, no such object).
   *
   * @param stored the stored object's JSON for a request path, if there is one
   */
  static Optional<MockResponse> refusal(
      RecordedRequest request, Function<String, Optional<String>> stored) {
    String path = request.getPath() == null ? "" : request.getPath().split("\\?", 2)[0];
    if (!"PUT".equals(request.getMethod()) || !path.endsWith("/status")) {
      return Optional.empty();
    }
    String named;
    try {
      named =
          Serialization.jsonMapper()
              .readTree(new String(request.getBody().getBytes(), UTF_8))
              .path("metadata")
              .path("resourceVersion")
              .asText("");
    } catch (java.io.IOException | RuntimeException unreadable) {
      return Optional.empty(); // the mock answers an unreadable body itself
    }
    if (named.isEmpty()) {
      return Optional.empty(); // an unconditional replace
    }
    Optional<JsonNode> current =
        stored.apply(path).map(json -> Serialization.unmarshal(json, JsonNode.class));
    if (current.isEmpty()
        || named.equals(current.get().path("metadata").path("resourceVersion").asText())) {
      return Optional.empty();
    }
    String resource = path.substring(0, path.length() - "/status".length());
    String name = resource.substring(resource.lastIndexOf('/') + 1);
    return Optional.of(
        DeletePreconditions.conflict(
            "Operation cannot be fulfilled on \""
                + name
                + "\": the object has been modified; please apply your changes to the latest"
                + " version and try again"));
  }
}
