package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a real API server does with {@code DeleteOptions.preconditions} and the mock ignores: a
 * delete whose {@code uid} (or {@code resourceVersion}) no longer matches the stored object is
 * refused with 409 Conflict, so a pod re-created under the same name since the decision is not
 * deleted in its place. The operator's pod deletions depend on it (a roll that deleted a pod twice
 * within a second restarted its new incarnation too, here and not on Kubernetes).
 */
final class DeletePreconditions {

  private DeletePreconditions() {}

  /**
   * The 409 answer when the request's preconditions do not match the stored object; empty when it
   * may go ahead (no body, no preconditions, no such object: the mock answers 404 itself).
   *
   * @param stored the stored object's JSON for a request path, if there is one
   */
  static Optional<MockResponse> refusal(
      RecordedRequest request, Function<String, Optional<String>> stored) {
    if (!"DELETE".equals(request.getMethod())) {
      return Optional.empty(); // reading the body consumes it: only a delete's is read here
    }
    String body = request.getUtf8Body();
    if (body == null || body.isBlank()) {
      return Optional.empty();
    }
    JsonNode preconditions;
    try {
      preconditions = Serialization.jsonMapper().readTree(body).path("preconditions");
    } catch (java.io.IOException | RuntimeException e) {
      return Optional.empty();
    }
    if (!preconditions.isObject()) {
      return Optional.empty();
    }
    Optional<JsonNode> current =
        stored.apply(request.getPath()).map(json -> Serialization.unmarshal(json, JsonNode.class));
    if (current.isEmpty()) {
      return Optional.empty();
    }
    JsonNode metadata = current.get().path("metadata");
    for (Map.Entry<String, String> field :
        Map.of("uid", "UID", "resourceVersion", "ResourceVersion").entrySet()) {
      JsonNode wanted = preconditions.path(field.getKey());
      if (wanted.isTextual() && !wanted.asText().equals(metadata.path(field.getKey()).asText())) {
        return Optional.of(conflict(metadata.path("name").asText(), field.getValue(), wanted));
      }
    }
    return Optional.empty();
  }

  private static MockResponse conflict(String name, String what, JsonNode wanted) {
    return conflict(
        "Precondition failed: "
            + what
            + " in precondition: "
            + wanted.asText()
            + ", "
            + what
            + " in object meta differs for "
            + name);
  }

  /** A 409 Conflict answer with {@code message}, as the API server words its Status. */
  static MockResponse conflict(String message) {
    return new MockResponse()
        .setResponseCode(409)
        .setBody(
            Serialization.asJson(
                new StatusBuilder()
                    .withStatus("Failure")
                    .withReason("Conflict")
                    .withCode(409)
                    .withMessage(message)
                    .build()));
  }
}
