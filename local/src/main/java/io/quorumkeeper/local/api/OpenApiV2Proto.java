package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code /openapi/v2} for the CRD, in the only encoding kubectl before 1.27 reads it in: gnostic's
 * {@code openapi.v2.Document} protobuf (github.com/google/gnostic, {@code OpenAPIv2.proto}), with
 * one definition carrying {@code x-kubernetes-group-version-kind}. Debian's kubectl 1.20 explains
 * QuorumCluster fields and validates applied files from it. Only what those need is encoded:
 * description, type, required, properties, items, additionalProperties and the extensions; a schema
 * without a type or properties (int-or-string, an object with free keys) is "anything".
 */
final class OpenApiV2Proto {

  /** As a real API server answers it (Go cannot parse the requested type's {@code @}). */
  static final String CONTENT_TYPE = "application/octet-stream";

  private final byte[] document;

  OpenApiV2Proto(ServedCrd crd, String schemaName, JsonNode schema) {
    Message info = new Message().string(1, "Kubernetes").string(2, Discovery.VERSION);
    Message definition = new Message().string(1, schemaName).message(2, schema(schema, crd));
    this.document =
        new Message()
            .string(1, "2.0")
            .message(2, info)
            .message(8, new Message())
            .message(9, new Message().message(1, definition))
            .bytes();
  }

  byte[] document() {
    return document.clone();
  }

  /** gnostic's Schema message; {@code crd} is given for the top level only (its GVK). */
  private static Message schema(JsonNode s, ServedCrd crd) {
    Message m = new Message();
    if (s.hasNonNull("description")) {
      m.string(4, s.get("description").asText());
    }
    if (s.hasNonNull("format")) {
      m.string(2, s.get("format").asText());
    }
    for (JsonNode r : s.path("required")) {
      m.string(19, r.asText());
    }
    String type = s.path("type").asText("");
    boolean free = "object".equals(type) && !s.has("properties") && !s.has("additionalProperties");
    if (!type.isEmpty() && !free) {
      m.message(22, new Message().string(1, type));
    }
    if (s.path("items").isObject()) {
      m.message(23, new Message().message(1, schema(s.get("items"), null)));
    }
    if (s.path("additionalProperties").isObject()) {
      m.message(21, new Message().message(1, schema(s.get("additionalProperties"), null)));
    }
    if (s.path("properties").isObject()) {
      Message properties = new Message();
      Iterator<Map.Entry<String, JsonNode>> fields = s.get("properties").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        properties.message(
            1, new Message().string(1, f.getKey()).message(2, schema(f.getValue(), null)));
      }
      m.message(25, properties);
    }
    if (s.path("x-kubernetes-int-or-string").asBoolean(false)) {
      m.message(31, extension("x-kubernetes-int-or-string", "true\n"));
    }
    if (crd != null) {
      String gvk =
          "- group: %s\n  kind: %s\n  version: %s\n"
              .formatted(crd.group(), crd.kind(), crd.version());
      m.message(31, extension("x-kubernetes-group-version-kind", gvk));
    }
    return m;
  }

  /** A NamedAny whose value is YAML text. */
  private static Message extension(String name, String yaml) {
    return new Message().string(1, name).message(2, new Message().string(2, yaml));
  }

  /** A protobuf message written field by field (length-delimited fields only). */
  private static final class Message {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Message string(int field, String value) {
      return raw(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Message message(int field, Message value) {
      return raw(field, value.bytes());
    }

    private Message raw(int field, byte[] value) {
      varint((long) field << 3 | 2);
      varint(value.length);
      out.writeBytes(value);
      return this;
    }

    private void varint(long value) {
      long v = value;
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
