package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.quorumkeeper.crds.CelSchemaValidator;
import io.quorumkeeper.crds.Invalid;
import io.quorumkeeper.crds.PodEvictions;
import io.quorumkeeper.crds.Violation;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The mock's CRUD dispatcher plus what a real API server does when a QuorumCluster itself is
 * created, updated or patched: the CRD's defaults are applied and the defaulted object is stored
 * and returned, or the write is refused with 422 Invalid naming the failed rules ({@link
 * CelSchemaValidator}: OpenAPI schema, then CEL rules, transition rules against the stored object).
 * The mock's handlers compute the object to store (a patch applied, status and metadata kept) and
 * hand it to {@link #processEvent}; the check sits there, so create, update, merge patch and JSON
 * patch share it. Status writes are not checked: the API server checks them against the status
 * schema only, and only the operator writes status.
 *
 * <p>For tests of the operator's own checks, the system property {@value ApiServer#CEL_RULES} set
 * to {@code false} makes the API one without CEL (read on every write): the CRD's CEL rules are
 * skipped, the OpenAPI checks and defaults still apply.
 */
final class ValidatingDispatcher extends AllowAllRulesReview {

  static final int UNPROCESSABLE_ENTITY = 422;

  private final CelSchemaValidator validator;

  /** The stored objects, as an eviction reads and deletes them. */
  private final PodEvictions.Store evictionStore =
      new PodEvictions.Store(
          path -> {
            MockResponse found = handleGet(path);
            return found.code() == 200 ? found.getBody().readUtf8() : null;
          },
          path -> handleDelete(path).code());

  private final Set<String> celRules;

  /** Set while a create/update/patch of a QuorumCluster runs: what it stored, for the response. */
  private final ThreadLocal<AtomicReference<String>> stored = new ThreadLocal<>();

  ValidatingDispatcher(CelSchemaValidator validator) {
    this.validator = validator;
    this.celRules =
        validator.rules().stream().map(CelSchemaValidator.Rule::rule).collect(Collectors.toSet());
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    // The eviction subresource, which the mock lacks: the pod's PodDisruptionBudget is counted as
    // an API server does, so a drain and the operator's roll cannot take two of a pool's pods.
    java.util.Optional<PodEvictions.Answer> eviction =
        PodEvictions.answer(
            request.getMethod(),
            request.getPath(),
            request::getUtf8Body,
            evictionStore,
            java.time.Instant.now());
    if (eviction.isPresent()) {
      return new MockResponse()
          .setResponseCode(eviction.get().code())
          .setBody(eviction.get().body());
    }
    return DeletePreconditions.refusal(request, this::storedAt)
        .or(() -> StatusPreconditions.refusal(request, this::storedAt))
        .orElseGet(() -> super.dispatch(request));
  }

  /** The stored object at an API path, as the mock keeps it. */
  private java.util.Optional<String> storedAt(String path) {
    java.util.Map.Entry<AttributeSet, String> found = findResource(getKey(path));
    return java.util.Optional.ofNullable(found == null ? null : found.getValue());
  }

  @Override
  public MockResponse handleCreate(RecordedRequest request) {
    return checked(request, super::handleCreate);
  }

  @Override
  public MockResponse handleUpdate(RecordedRequest request) {
    return checked(request, super::handleUpdate);
  }

  @Override
  public MockResponse handlePatch(RecordedRequest request) {
    return checked(request, super::handlePatch);
  }

  private MockResponse checked(
      RecordedRequest request, Function<RecordedRequest, MockResponse> handler) {
    if (!isQuorumCluster(request.getPath())) {
      return handler.apply(request);
    }
    AtomicReference<String> written = new AtomicReference<>();
    stored.set(written);
    try {
      MockResponse response = handler.apply(request);
      if (written.get() != null) {
        response.setBody(written.get()); // the defaulted object, as the API server answers
      }
      return response;
    } catch (Rejected e) {
      return new MockResponse().setResponseCode(UNPROCESSABLE_ENTITY).setBody(e.statusJson);
    } finally {
      stored.remove();
    }
  }

  /** The QuorumCluster resource itself (not its status): {@code .../quorumclusters[/NAME]}. */
  static boolean isQuorumCluster(String path) {
    ApiRequests.Call call = ApiRequests.classify("", path, "");
    return path != null
        && path.startsWith("/apis/" + QuorumClusters.GROUP + "/")
        && "quorumclusters".equals(call.resource())
        && call.subresource().isEmpty();
  }

  @Override
  public void processEvent(
      String path,
      AttributeSet pathAttributes,
      AttributeSet oldAttributes,
      GenericKubernetesResource resource,
      String newState) {
    AtomicReference<String> written = stored.get();
    String state = newState;
    if (written != null && newState != null) {
      state = admitted(oldAttributes == null ? null : map.get(oldAttributes), newState);
      written.set(state);
    }
    super.processEvent(path, pathAttributes, oldAttributes, resource, state);
  }

  /** The object to store: {@code newState} defaulted; throws {@link Rejected} when invalid. */
  private String admitted(String oldState, String newState) {
    JsonNode object = Serialization.unmarshal(newState, JsonNode.class);
    JsonNode old = oldState == null ? null : Serialization.unmarshal(oldState, JsonNode.class);
    if (newState.length() > MAX_OBJECT_BYTES) {
      throw new Rejected(tooLarge(object, newState.length()));
    }
    List<Violation> violations = validator.validate(withoutStatus(object), withoutStatus(old));
    if ("false".equals(System.getProperty(ApiServer.CEL_RULES))) {
      violations = violations.stream().filter(v -> !celRules.contains(v.rule())).toList();
    }
    if (!violations.isEmpty()) {
      String name = object.path("metadata").path("name").asText();
      throw new Rejected(new Invalid(QuorumClusters.KIND, QuorumClusters.GROUP, name, violations));
    }
    ObjectNode defaulted = (ObjectNode) validator.withDefaults(object);
    if (old != null && old.path("spec").equals(defaulted.path("spec"))) {
      // the request differed from the stored spec only by the defaults: not a new generation
      ((ObjectNode) defaulted.get("metadata")).set("generation", old.at("/metadata/generation"));
    }
    if (old != null && sameExceptVersion(old, defaulted)) {
      return oldState; // a no-op once defaulted: no new version, no watch event
    }
    return Serialization.asJson(defaulted);
  }

  private static boolean sameExceptVersion(JsonNode old, ObjectNode updated) {
    ObjectNode candidate = updated.deepCopy();
    ((ObjectNode) candidate.get("metadata"))
        .set("resourceVersion", old.at("/metadata/resourceVersion"));
    return old.equals(candidate);
  }

  /**
   * Fabric8's mock API stops delivering watch events once it has to send an object of about 64 KB:
   * the operator would never see such a write. A real API server stores about 1.5 MB; the operator
   * itself refuses more than 32 KiB of Kafka config, so no valid cluster comes near this.
   */
  static final int MAX_OBJECT_BYTES = 60_000;

  private static Invalid tooLarge(JsonNode object, int bytes) {
    return new Invalid(
        QuorumClusters.KIND,
        QuorumClusters.GROUP,
        object.path("metadata").path("name").asText(),
        List.of(
            new Violation(
                "",
                "size",
                "the local runtime's API stores objects up to "
                    + MAX_OBJECT_BYTES
                    + " bytes; this one has "
                    + bytes,
                Violation.Type.TOO_LONG,
                null)));
  }

  private static JsonNode withoutStatus(JsonNode object) {
    if (object == null) {
      return null;
    }
    ObjectNode copy = object.deepCopy();
    copy.remove("status");
    return copy;
  }

  /** The 422 answer, as a real API server sends it (kubectl and Fabric8 read it). */
  static Status status(Invalid invalid) {
    return new StatusBuilder()
        .withStatus("Failure")
        .withReason("Invalid")
        .withCode(UNPROCESSABLE_ENTITY)
        .withMessage(invalid.message())
        .withNewMetadata()
        .endMetadata()
        .withNewDetails()
        .withName(invalid.name())
        .withGroup(invalid.group())
        .withKind(invalid.kind())
        .withCauses(
            invalid.violations().stream()
                .map(
                    v ->
                        new StatusCauseBuilder()
                            .withReason(v.type().reason())
                            .withMessage(v.body())
                            .withField(v.path())
                            .build())
                .toList())
        .endDetails()
        .build();
  }

  /** Ends the handler's work before anything is stored; carries the 422 body. */
  private static final class Rejected extends RuntimeException {
    private final String statusJson;

    Rejected(Invalid invalid) {
      super(invalid.message(), null, false, false);
      this.statusJson = Serialization.asJson(status(invalid));
    }
  }
}
