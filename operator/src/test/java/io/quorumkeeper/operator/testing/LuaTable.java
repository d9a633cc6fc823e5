package io.quorumkeeper.operator.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A JSON tree as Lua 5.1 table source, as Argo CD hands an object to a health check: objects and
 * arrays become tables (arrays indexed from 1), nulls are left out (nil), strings are byte strings
 * with every byte outside printable ASCII escaped.
 */
final class LuaTable {

  private LuaTable() {}

  static String of(JsonNode node) {
    StringBuilder out = new StringBuilder();
    write(node, out);
    return out.toString();
  }

  private static void write(JsonNode node, StringBuilder out) {
    if (node.isObject()) {
      out.append('{');
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getValue().isNull()) {
          continue;
        }
        out.append('[');
        string(field.getKey(), out);
        out.append("]=");
        write(field.getValue(), out);
        out.append(',');
      }
      out.append('}');
    } else if (node.isArray()) {
      out.append('{');
      for (JsonNode item : node) {
        write(item, out);
        out.append(',');
      }
      out.append('}');
    } else if (node.isBoolean()) {
      out.append(node.booleanValue());
    } else if (node.isNumber()) {
      out.append(node.numberValue());
    } else if (node.isNull()) {
      out.append("nil");
    } else {
      string(node.asText(), out);
    }
  }

  private static void string(String text, StringBuilder out) {
    out.append('"');
    for (byte b : text.getBytes(UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        out.append((char) c);
      } else {
        out.append('\\').append(String.format("%03d", c));
      }
    }
    out.append('"');
  }
}
