package io.quorumkeeper.crds;

import com.fasterxml.jackson.databind.JsonNode;
import io.quorumkeeper.crds.Violation.Type;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The OpenAPI v3 part of the API server's validation of a custom resource: type, enum,
 * minimum/maximum, pattern, lengths and counts, required properties, int-or-string, and fields the
 * schema does not declare (which the API server would prune; here they are refused, so a typo is
 * seen). Messages follow the API server's wording; paths are dotted ({@code spec.controllers}).
 */
final class StructuralCheck {

  /** Every object has these at its root; a CRD's schema need not declare them. */
  private static final Set<String> IMPLICIT_ROOT_FIELDS = Set.of("apiVersion", "kind", "metadata");

  private StructuralCheck() {}

  /** Checks a whole object against the CRD's openAPIV3Schema. */
  static void checkRoot(JsonNode schema, JsonNode object, List<Violation> out) {
    check(schema, object, "", out);
  }

  static void check(JsonNode schema, JsonNode value, String path, List<Violation> out) {
    if (schema == null || schema.isMissingNode() || value == null || value.isNull()) {
      return;
    }
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      if (!value.isTextual() && !value.isIntegralNumber()) {
        out.add(typeInvalid(path, value, "integer or string"));
      }
      return;
    }
    String type = schema.path("type").asText("");
    if (type.isEmpty() && schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      return;
    }
    if (!type.isEmpty() && !hasType(value, type)) {
      out.add(typeInvalid(path, value, type));
      return;
    }
    checkEnum(schema, value, path, out);
    if (value.isNumber()) {
      checkNumber(schema, value, path, out);
    } else if (value.isTextual()) {
      checkString(schema, value, path, out);
    } else if (value.isArray()) {
      checkArray(schema, value, path, out);
    } else if (value.isObject()) {
      checkObject(schema, value, path, out);
    }
  }

  private static void checkEnum(JsonNode schema, JsonNode value, String path, List<Violation> out) {
    JsonNode allowed = schema.path("enum");
    if (!allowed.isArray() || allowed.isEmpty()) {
      return;
    }
    if (StreamSupport.stream(allowed.spliterator(), false).noneMatch(value::equals)) {
      String supported =
          StreamSupport.stream(allowed.spliterator(), false)
              .map(Violation::shown)
              .collect(Collectors.joining(", "));
      out.add(
          new Violation(
              path,
              "enum",
              "supported values: " + supported,
              Type.NOT_SUPPORTED,
              Violation.shown(value)));
    }
  }

  private static void checkNumber(
      JsonNode schema, JsonNode value, String path, List<Violation> out) {
    if (schema.has("minimum") && value.asDouble() < schema.get("minimum").asDouble()) {
      out.add(
          invalid(
              path,
              "minimum",
              value,
              "should be greater than or equal to " + number(schema.get("minimum"))));
    }
    if (schema.has("maximum") && value.asDouble() > schema.get("maximum").asDouble()) {
      out.add(
          invalid(
              path,
              "maximum",
              value,
              "should be less than or equal to " + number(schema.get("maximum"))));
    }
  }

  private static void checkString(
      JsonNode schema, JsonNode value, String path, List<Violation> out) {
    String text = value.textValue();
    if (schema.has("maxLength") && text.length() > schema.get("maxLength").asInt()) {
      out.add(
          new Violation(
              path,
              "maxLength",
              "may not be more than " + schema.get("maxLength").asInt() + " bytes",
              Type.TOO_LONG,
              null));
    }
    if (schema.has("minLength") && text.length() < schema.get("minLength").asInt()) {
      out.add(
          invalid(
              path,
              "minLength",
              value,
              "should be at least " + schema.get("minLength").asInt() + " chars long"));
    }
    String pattern = schema.path("pattern").asText("");
    if (!pattern.isEmpty() && !Pattern.compile(pattern).matcher(text).find()) {
      out.add(invalid(path, "pattern", value, "should match '" + pattern + "'"));
    }
  }

  private static void checkArray(
      JsonNode schema, JsonNode value, String path, List<Violation> out) {
    if (schema.has("maxItems") && value.size() > schema.get("maxItems").asInt()) {
      out.add(
          new Violation(
              path,
              "maxItems",
              "must have at most " + schema.get("maxItems").asInt() + " items",
              Type.TOO_MANY,
              String.valueOf(value.size())));
    }
    if (schema.has("minItems") && value.size() < schema.get("minItems").asInt()) {
      out.add(
          invalid(
              path,
              "minItems",
              value,
              "should have at least " + schema.get("minItems").asInt() + " items"));
    }
    JsonNode items = schema.get("items");
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      // A null field of an object is dropped; a null list item is kept and must match the type.
      if (item.isNull() && items != null && !items.path("nullable").asBoolean()) {
        String type = items.path("type").asText("");
        if (!type.isEmpty()) {
          out.add(typeInvalid(path + "[" + i + "]", item, type));
        }
        continue;
      }
      check(items, item, path + "[" + i + "]", out);
    }
  }

  private static void checkObject(
      JsonNode schema, JsonNode value, String path, List<Violation> out) {
    if (schema.has("maxProperties") && value.size() > schema.get("maxProperties").asInt()) {
      out.add(
          new Violation(
              path,
              "maxProperties",
              "must have at most " + schema.get("maxProperties").asInt() + " items",
              Type.TOO_MANY,
              String.valueOf(value.size())));
    }
    for (JsonNode required : schema.path("required")) {
      JsonNode present = value.get(required.asText());
      if (present == null || present.isNull()) {
        out.add(new Violation(join(path, required.asText()), "required", "", Type.REQUIRED, null));
      }
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean();
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String key = field.getKey();
      if (properties.has(key)) {
        check(properties.get(key), field.getValue(), join(path, key), out);
      } else if (additional.isObject()) {
        check(additional, field.getValue(), path + "[" + key + "]", out);
      } else if (path.isEmpty() && IMPLICIT_ROOT_FIELDS.contains(key)) {
        continue;
      } else if (!preserve && !additional.asBoolean(false)) {
        out.add(
            new Violation(
                join(path, key), "unknown", "field not declared in schema", Type.FORBIDDEN, null));
      }
    }
  }

  private static Violation typeInvalid(String path, JsonNode value, String type) {
    String found = Violation.quoted(typeName(value));
    return new Violation(
        path,
        "type",
        describedPath(path) + " in body must be of type " + type + ": " + found,
        Type.TYPE_INVALID,
        found);
  }

  private static Violation invalid(String path, String rule, JsonNode value, String detail) {
    return new Violation(
        path,
        rule,
        describedPath(path) + " in body " + detail,
        Type.INVALID,
        value.isContainerNode() ? Violation.quoted(typeName(value)) : Violation.shown(value));
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

  private static String typeName(JsonNode value) {
    if (value.isNull()) {
      return "null";
    }
    if (value.isObject()) {
      return "object";
    }
    if (value.isArray()) {
      return "array";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "number";
    }
    return value.isBoolean() ? "boolean" : "string";
  }

  /** {@code 99.0} in the schema reads {@code 99} in a message. */
  private static String number(JsonNode n) {
    double d = n.asDouble();
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  private static String describedPath(String path) {
    return path.isEmpty() ? "body" : path;
  }

  static String join(String path, String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}
