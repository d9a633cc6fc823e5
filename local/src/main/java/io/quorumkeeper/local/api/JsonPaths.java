package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The subset of Kubernetes JSONPath that printer columns use ({@code .status.quorum.leaderId},
 * {@code .spec.items[0].name}, {@code .items[*].name}, {@code
 * .conditions[?(@.type=="Ready")].status}, {@code .metadata['name']}), evaluated as the API
 * server's table convertor does: every match, in document order; the caller takes the first.
 */
final class JsonPaths {

  private JsonPaths() {}

  /**
   * Every node {@code path} reaches in {@code root}; empty when none (or the path is malformed).
   */
  static List<JsonNode> find(JsonNode root, String path) {
    String p = path.strip();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1).strip();
    }
    if (p.startsWith("$")) {
      p = p.substring(1);
    }
    List<JsonNode> current = List.of(root);
    int i = 0;
    while (i < p.length() && !current.isEmpty()) {
      char c = p.charAt(i);
      if (c == '.') {
        int end = i + 1;
        while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
          end++;
        }
        String field = p.substring(i + 1, end);
        current = field.isEmpty() ? current : fields(current, field);
        i = end;
      } else if (c == '[') {
        int end = closing(p, i);
        if (end < 0) {
          return List.of();
        }
        current = subscript(current, p.substring(i + 1, end).strip());
        i = end + 1;
      } else {
        int end = i;
        while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
          end++;
        }
        current = fields(current, p.substring(i, end));
        i = end;
      }
    }
    return current;
  }

  /** The first match, or null. */
  static JsonNode first(JsonNode root, String path) {
    List<JsonNode> found = find(root, path);
    return found.isEmpty() ? null : found.get(0);
  }

  private static int closing(String p, int open) {
    boolean quoted = false;
    char quote = 0;
    for (int i = open + 1; i < p.length(); i++) {
      char c = p.charAt(i);
      if (quoted) {
        quoted = c != quote;
      } else if (c == '"' || c == '\'') {
        quoted = true;
        quote = c;
      } else if (c == ']') {
        return i;
      }
    }
    return -1;
  }

  private static List<JsonNode> fields(List<JsonNode> nodes, String field) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : nodes) {
      if ("*".equals(field)) {
        n.elements().forEachRemaining(out::add);
      } else if (n.isObject() && n.has(field)) {
        out.add(n.get(field));
      }
    }
    return out;
  }

  private static List<JsonNode> subscript(List<JsonNode> nodes, String inside) {
    if (inside.startsWith("?(") && inside.endsWith(")")) {
      return filter(nodes, inside.substring(2, inside.length() - 1).strip());
    }
    if (inside.startsWith("'") || inside.startsWith("\"")) {
      return fields(nodes, unquote(inside));
    }
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : nodes) {
      if (!n.isArray()) {
        continue;
      }
      if ("*".equals(inside)) {
        n.elements().forEachRemaining(out::add);
      } else if (inside.matches("-?\\d+")) {
        int index = Integer.parseInt(inside);
        JsonNode element = n.get(index < 0 ? n.size() + index : index);
        if (element != null) {
          out.add(element);
        }
      }
    }
    return out;
  }

  /** {@code @.a.b == "x"}, {@code @.a != 3}, or {@code @.a} (exists). */
  private static List<JsonNode> filter(List<JsonNode> nodes, String expression) {
    String[] parts = expression.split("==|!=", 2);
    boolean equals = !expression.contains("!=");
    String left = parts[0].strip();
    if (!left.startsWith("@")) {
      return List.of();
    }
    String leftPath = left.substring(1);
    String right = parts.length > 1 ? unquote(parts[1].strip()) : null;
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : nodes) {
      List<JsonNode> elements = new ArrayList<>();
      if (n.isArray()) {
        n.elements().forEachRemaining(elements::add);
      } else {
        elements.add(n);
      }
      for (JsonNode e : elements) {
        JsonNode value = first(e, leftPath);
        boolean keep =
            right == null
                ? value != null
                : value != null && value.isValueNode() && right.equals(value.asText()) == equals;
        if (keep) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private static String unquote(String s) {
    if (s.length() >= 2
        && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
      return s.substring(1, s.length() - 1);
    }
    return s;
  }
}
