package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The structural part of OpenAPI v3 schema validation an API server applies to a custom resource.
 */
final class SchemaCheck {

  private SchemaCheck() {}

  static void check(JSONSchemaProps schema, JsonNode value, String path, List<String> errors) {
    if (schema == null || value.isMissingNode() || value.isNull()) {
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesIntOrString())) {
      if (!value.isTextual() && !value.isIntegralNumber()) {
        errors.add(path + ": must be an integer or a string");
      }
      return;
    }
    if (Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields())
        && schema.getType() == null) {
      return;
    }
    String type = schema.getType();
    if (type != null && !hasType(value, type)) {
      errors.add(path + ": must be " + article(type) + ", found " + describe(value));
      return;
    }
    if (schema.getEnum() != null && !schema.getEnum().isEmpty() && value.isTextual()) {
      boolean allowed = schema.getEnum().stream().anyMatch(e -> e.asText().equals(value.asText()));
      if (!allowed) {
        errors.add(
            path
                + ": unsupported value \""
                + value.asText()
                + "\", expected one of "
                + schema.getEnum().stream().map(JsonNode::asText).toList());
      }
    }
    if (value.isIntegralNumber()) {
      if (schema.getMinimum() != null && value.asDouble() < schema.getMinimum()) {
        errors.add(path + ": must be >= " + schema.getMinimum().longValue());
      }
      if (schema.getMaximum() != null && value.asDouble() > schema.getMaximum()) {
        errors.add(path + ": must be <= " + schema.getMaximum().longValue());
      }
    }
    if (value.isObject()) {
      checkObject(schema, value, path, errors);
    }
    if (value.isArray() && schema.getItems() != null && schema.getItems().getSchema() != null) {
      for (int i = 0; i < value.size(); i++) {
        check(schema.getItems().getSchema(), value.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  private static void checkObject(
      JSONSchemaProps schema, JsonNode value, String path, List<String> errors) {
    Map<String, JSONSchemaProps> properties = schema.getProperties();
    if (schema.getRequired() != null) {
      for (String required : schema.getRequired()) {
        if (!value.has(required)) {
          errors.add(path + "." + required + ": required");
        }
      }
    }
    boolean preserve = Boolean.TRUE.equals(schema.getXKubernetesPreserveUnknownFields());
    JSONSchemaProps additional =
        schema.getAdditionalProperties() == null
            ? null
            : schema.getAdditionalProperties().getSchema();
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String child = path + "." + field.getKey();
      if (properties != null && properties.containsKey(field.getKey())) {
        check(properties.get(field.getKey()), field.getValue(), child, errors);
      } else if (additional != null) {
        check(additional, field.getValue(), child, errors);
      } else if (!preserve && properties != null && !properties.isEmpty()) {
        errors.add(child + ": unknown field");
      }
    }
  }

  private static boolean hasType(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "integer" -> value.isIntegralNumber();
      case "number" -> value.isNumber();
      case "boolean" -> value.isBoolean();
      default -> true;
    };
  }

  private static String article(String type) {
    return ("object".equals(type) || "array".equals(type) || "integer".equals(type) ? "an " : "a ")
        + type;
  }

  private static String describe(JsonNode value) {
    if (value.isObject()) {
      return "a mapping";
    }
    if (value.isArray()) {
      return "a list";
    }
    return value.isTextual() ? "\"" + value.asText() + "\"" : value.toString();
  }
}
