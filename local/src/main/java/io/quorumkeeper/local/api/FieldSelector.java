package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A field selector ({@code involvedObject.name=orders,involvedObject.kind=QuorumCluster}, {@code
 * metadata.name!=x}) evaluated on the object itself. The mock API only knows {@code metadata.name}
 * and answers an empty list for any other field; kubectl describe finds an object's events with
 * such a selector, and kubectl wait watches one object with {@code metadata.name}.
 */
record FieldSelector(List<Requirement> requirements) {

  record Requirement(String field, String value, boolean equal) {}

  static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  /** Parses the (already URL-decoded) selector; null or blank selects everything. */
  static FieldSelector parse(String selector) {
    if (selector == null || selector.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> requirements = new ArrayList<>();
    for (String part : selector.split(",")) {
      String p = part.strip();
      if (p.isEmpty()) {
        continue;
      }
      int ne = p.indexOf("!=");
      if (ne > 0) {
        requirements.add(new Requirement(p.substring(0, ne).strip(), p.substring(ne + 2), false));
        continue;
      }
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("invalid field selector requirement: " + p);
      }
      String value = p.substring(eq + 1);
      value = value.startsWith("=") ? value.substring(1) : value;
      requirements.add(new Requirement(p.substring(0, eq).strip(), value, true));
    }
    return new FieldSelector(List.copyOf(requirements));
  }

  boolean matches(JsonNode object) {
    for (Requirement r : requirements) {
      JsonNode node = object;
      for (String key : r.field().split("\\.")) {
        node = node.path(key);
      }
      String actual = node.isValueNode() ? node.asText() : "";
      if (actual.equals(r.value()) != r.equal()) {
        return false;
      }
    }
    return true;
  }

  boolean isEverything() {
    return requirements.isEmpty();
  }
}
