package io.quorumkeeper.local.api;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.quorumkeeper.local.InputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * QuorumClusters as generic resources: the runtime reads and writes them like kubectl does, without
 * the operator's Java classes (the operator is a separate JVM, exactly as on a cluster).
 */
public final class QuorumClusters {

  public static final String GROUP = "quorumkeeper.io";
  public static final String API_VERSION = GROUP + "/v1alpha1";
  public static final String KIND = "QuorumCluster";

  private static final int HTTP_CONFLICT = 409;

  private QuorumClusters() {}

  public static MixedOperation<
          GenericKubernetesResource,
          GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      of(KubernetesClient client) {
    return client.genericKubernetesResources(API_VERSION, KIND);
  }

  /**
   * Creates or updates (spec, labels, annotations) each resource, as {@code kubectl apply} would;
   * an object the API refuses as invalid (a CEL rule such as "topology is immutable") ends it with
   * an {@link InputException} carrying the API's one-line message.
   */
  public static List<GenericKubernetesResource> apply(
      KubernetesClient client, List<GenericKubernetesResource> resources) {
    List<GenericKubernetesResource> applied = new ArrayList<>();
    for (GenericKubernetesResource r : resources) {
      try {
        applied.add(applyOne(client, r));
      } catch (KubernetesClientException e) {
        if (ApiErrors.isInvalid(e)) {
          throw new InputException(ApiErrors.message(e));
        }
        throw e;
      }
    }
    return applied;
  }

  /**
   * Tries of one resource's read and write: the operator writes status (a new resourceVersion)
   * between them at any time, and a real {@code kubectl apply} retries such a conflict too. The
   * n-th retry waits n times {@link #CONFLICT_BACKOFF_MS}, a little more with jitter, so that a
   * writer on a steady rhythm does not meet every try.
   */
  static final int CONFLICT_TRIES = 10;

  static final long CONFLICT_BACKOFF_MS = 10;

  private static GenericKubernetesResource applyOne(
      KubernetesClient client, GenericKubernetesResource r) {
    for (int attempt = 1; ; attempt++) {
      try {
        return readAndWrite(client, r);
      } catch (KubernetesClientException e) {
        if (e.getCode() != HTTP_CONFLICT || attempt == CONFLICT_TRIES) {
          throw e;
        }
      }
      backOff(attempt);
    }
  }

  private static void backOff(int attempt) {
    long millis =
        CONFLICT_BACKOFF_MS * attempt
            + java.util.concurrent.ThreadLocalRandom.current().nextLong(CONFLICT_BACKOFF_MS);
    try {
      Thread.sleep(millis); // a retry's back-off: nothing to be woken by
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InputException("interrupted while applying");
    }
  }

  private static GenericKubernetesResource readAndWrite(
      KubernetesClient client, GenericKubernetesResource r) {
    var op = of(client).inNamespace(r.getMetadata().getNamespace());
    GenericKubernetesResource existing = op.withName(r.getMetadata().getName()).get();
    if (existing == null) {
      return op.resource(r).create();
    }
    existing.getAdditionalProperties().put("spec", r.getAdditionalProperties().get("spec"));
    existing.getMetadata().setLabels(r.getMetadata().getLabels());
    existing.getMetadata().setAnnotations(r.getMetadata().getAnnotations());
    return op.resource(existing).update();
  }

  public static List<GenericKubernetesResource> all(KubernetesClient client) {
    return of(client).inAnyNamespace().list().getItems();
  }

  /** A value at a dotted path of a generic resource ({@code status.clusterId}), if present. */
  @SuppressWarnings("unchecked")
  public static Optional<Object> at(GenericKubernetesResource resource, String path) {
    Object node =
        Map.of("spec", nullSafe(resource.get("spec")), "status", nullSafe(resource.get("status")));
    for (String key : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> map)) {
        return Optional.empty();
      }
      node = ((Map<String, Object>) map).get(key);
    }
    return Optional.ofNullable(node);
  }

  private static Object nullSafe(Object o) {
    return o == null ? Map.of() : o;
  }

  /** The Ready condition's status ("True", "False") or empty when there is none yet. */
  @SuppressWarnings("unchecked")
  public static Optional<String> condition(GenericKubernetesResource resource, String type) {
    return at(resource, "status.conditions")
        .filter(List.class::isInstance)
        .flatMap(
            list ->
                ((List<Object>) list)
                    .stream()
                        .filter(Map.class::isInstance)
                        .map(c -> (Map<String, Object>) c)
                        .filter(c -> type.equals(c.get("type")))
                        .map(c -> String.valueOf(c.get("status")))
                        .findFirst());
  }
}
