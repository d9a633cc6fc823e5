package io.quorumkeeper.operator.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The fields of each owned kind that the operator keeps in line, and the test whether an object
 * already has them. Fields the API server fills in (defaults, clusterIP, status) and immutable ones
 * (a StatefulSet's selector and volume claim templates) are left alone, so a no-op pass writes
 * nothing and an update never touches what cannot change.
 */
final class ManagedFields {

  private static final List<String> METADATA = List.of("labels", "annotations", "ownerReferences");

  private static final Map<Class<?>, List<String>> SPEC_FIELDS =
      Map.of(
          ConfigMap.class, List.of("data"),
          Secret.class, List.of("data"),
          Service.class,
              List.of("spec.type", "spec.selector", "spec.ports", "spec.publishNotReadyAddresses"),
          PodDisruptionBudget.class, List.of("spec"),
          NetworkPolicy.class, List.of("spec"),
          StatefulSet.class,
              List.of(
                  "spec.replicas",
                  "spec.template",
                  "spec.updateStrategy",
                  "spec.persistentVolumeClaimRetentionPolicy"));

  private final KubernetesSerialization serialization;

  ManagedFields(KubernetesSerialization serialization) {
    this.serialization = serialization;
  }

  /** The managed part of a desired object, as the body of a JSON merge patch. */
  ObjectNode of(HasMetadata desired) {
    JsonNode full = prune(serialization.convertValue(desired, JsonNode.class));
    ObjectNode managed = JsonNodeFactory.instance.objectNode();
    ObjectNode metadata = managed.putObject("metadata");
    for (String field : METADATA) {
      if (full.path("metadata").has(field)) {
        metadata.set(field, full.path("metadata").get(field));
      }
    }
    for (String path : SPEC_FIELDS.get(desired.getClass())) {
      copyPath(full, managed, path.split("\\."));
    }
    return managed;
  }

  /**
   * The current object with every managed field replaced by its desired value; labels and
   * annotations others added are kept. Its resourceVersion is the current one.
   */
  <R extends HasMetadata> R applyTo(ObjectNode managed, R current, Class<R> type) {
    ObjectNode result = (ObjectNode) serialization.convertValue(current, JsonNode.class);
    ObjectNode metadata = (ObjectNode) result.get("metadata");
    managed
        .path("metadata")
        .fields()
        .forEachRemaining(
            field -> {
              if (field.getValue().isObject() && metadata.path(field.getKey()).isObject()) {
                ((ObjectNode) metadata.get(field.getKey())).setAll((ObjectNode) field.getValue());
              } else {
                metadata.set(field.getKey(), field.getValue());
              }
            });
    managed
        .fields()
        .forEachRemaining(
            field -> {
              if (!field.getKey().equals("metadata")) {
                replace(result, field.getKey(), field.getValue());
              }
            });
    return serialization.convertValue(result, type);
  }

  /** Sets the managed leaves in {@code target}, keeping the siblings it does not name. */
  private static void replace(ObjectNode target, String key, JsonNode managed) {
    JsonNode existing = target.get(key);
    if (managed.isObject() && existing != null && existing.isObject() && !ownedWhole(key)) {
      managed
          .fields()
          .forEachRemaining(f -> replace((ObjectNode) existing, f.getKey(), f.getValue()));
    } else {
      target.set(key, managed);
    }
  }

  /** Objects the model owns whole (a ConfigMap's data, a pod template), never merged. */
  private static boolean ownedWhole(String key) {
    return List.of(
            "data",
            "template",
            "selector",
            "updateStrategy",
            "persistentVolumeClaimRetentionPolicy")
        .contains(key);
  }

  /** Whether {@code actual} already carries every managed value of {@code desired}. */
  boolean satisfiedBy(ObjectNode managed, HasMetadata actual) {
    JsonNode current = serialization.convertValue(actual, JsonNode.class);
    return contains(current, managed) && noEntryDropped(current.path("data"), managed.path("data"));
  }

  /**
   * A ConfigMap's or Secret's data is the model's whole: an entry the model no longer has (the old
   * CA of a finished rotation) is a difference, not a map that holds more than we set.
   */
  private static boolean noEntryDropped(JsonNode actual, JsonNode desired) {
    return desired.isMissingNode() || actual.size() == desired.size();
  }

  private static void copyPath(JsonNode from, ObjectNode to, String[] path) {
    JsonNode source = from;
    ObjectNode target = to;
    for (int i = 0; i < path.length - 1; i++) {
      source = source.path(path[i]);
      target = target.has(path[i]) ? (ObjectNode) target.get(path[i]) : target.putObject(path[i]);
    }
    JsonNode value = source.path(path[path.length - 1]);
    if (!value.isMissingNode()) {
      target.set(path[path.length - 1], value);
    }
  }

  /** Maps may hold more than we set (labels added by others); lists must match item by item. */
  private static boolean contains(JsonNode actual, JsonNode expected) {
    if (expected.isObject()) {
      if (!actual.isObject()) {
        return false;
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!contains(actual.path(field.getKey()), field.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (expected.isArray()) {
      if (!actual.isArray() || actual.size() != expected.size()) {
        return false;
      }
      for (int i = 0; i < expected.size(); i++) {
        if (!contains(actual.get(i), expected.get(i))) {
          return false;
        }
      }
      return true;
    }
    return sameScalar(actual, expected);
  }

  private static boolean sameScalar(JsonNode actual, JsonNode expected) {
    if (actual.equals(expected)) {
      return true;
    }
    if (actual.isNumber() && expected.isNumber()) {
      return actual.decimalValue().compareTo(expected.decimalValue()) == 0;
    }
    if (actual.isValueNode() && expected.isValueNode() && !actual.isMissingNode()) {
      // The API server writes quantities in canonical form ("1000m" comes back as "1").
      try {
        return new Quantity(actual.asText())
                .getNumericalAmount()
                .compareTo(new Quantity(expected.asText()).getNumericalAmount())
            == 0;
      } catch (IllegalArgumentException | ArithmeticException notAQuantity) {
        return false;
      }
    }
    return false;
  }

  /** The API server drops empty lists and maps, so they would never match: leave them out. */
  private static JsonNode prune(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        JsonNode value = prune(field.getValue());
        if (value.isNull() || (value.isContainerNode() && value.isEmpty())) {
          it.remove();
        }
      }
    } else if (node.isArray()) {
      node.forEach(ManagedFields::prune);
    }
    return node;
  }
}
