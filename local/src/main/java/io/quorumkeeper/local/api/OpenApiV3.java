package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * OpenAPI v3 for the CRD's group version, as a real API server publishes it from the
 * CustomResourceDefinition: {@code /openapi/v3} lists it, {@code /openapi/v3/apis/GROUP/VERSION}
 * holds the schema with {@code x-kubernetes-group-version-kind}. {@code kubectl explain} reads the
 * field docs from it; {@code kubectl apply} learns from the PATCH/POST parameters that the server
 * validates fields itself ({@code fieldValidation}), as the embedded API does for QuorumClusters.
 * Built-in kinds have no schema here.
 */
final class OpenApiV3 {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final ServedCrd crd;
  private final String document;
  private final String path;
  private final ObjectNode schema;

  OpenApiV3(ServedCrd crd) {
    this.crd = crd;
    this.path = "/openapi/v3/apis/" + crd.groupVersion();
    this.schema = buildSchema();
    this.document = groupVersionDocument().toString();
  }

  /** The document for {@code requestPath} (no query), or empty. */
  Optional<String> document(String requestPath) {
    if ("/openapi/v3".equals(requestPath) || "/openapi/v3/".equals(requestPath)) {
      ObjectNode root = JSON.createObjectNode();
      root.putObject("paths")
          .putObject("apis/" + crd.groupVersion())
          .put("serverRelativeURL", path + "?hash=" + Integer.toHexString(document.hashCode()));
      return Optional.of(root.toString());
    }
    return path.equals(requestPath) ? Optional.of(document) : Optional.empty();
  }

  String schemaName() {
    String[] parts = crd.group().split("\\.");
    StringBuilder reversed = new StringBuilder();
    for (int i = parts.length - 1; i >= 0; i--) {
      reversed.append(parts[i]).append('.');
    }
    return reversed + crd.version() + "." + crd.kind();
  }

  private ObjectNode groupVersionDocument() {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes CRD Swagger").put("version", "v0.1.0");
    ObjectNode paths = doc.putObject("paths");
    String collection =
        "/apis/"
            + crd.groupVersion()
            + (crd.namespaced() ? "/namespaces/{namespace}/" : "/")
            + crd.plural();
    operation(paths.putObject(collection), "post");
    operation(paths.putObject(collection + "/{name}"), "patch");
    operation((ObjectNode) paths.get(collection + "/{name}"), "put");
    doc.putObject("components").putObject("schemas").set(schemaName(), schema);
    return doc;
  }

  private void operation(ObjectNode pathItem, String method) {
    ObjectNode op = pathItem.putObject(method);
    op.put("operationId", method + crd.kind());
    gvk(op.putObject("x-kubernetes-group-version-kind"));
    op.putArray("parameters")
        .addObject()
        .put("name", "fieldValidation")
        .put("in", "query")
        .put(
            "description",
            "Strict: the embedded API refuses a QuorumCluster with fields its schema lacks.")
        .putObject("schema")
        .put("type", "string");
    op.putObject("responses")
        .putObject("200")
        .put("description", "OK")
        .putObject("content")
        .putObject("application/json")
        .putObject("schema")
        .put("$ref", "#/components/schemas/" + schemaName());
  }

  /** The QuorumCluster schema as published: the CRD's, with apiVersion, kind and metadata. */
  ObjectNode schema() {
    return schema.deepCopy();
  }

  private ObjectNode buildSchema() {
    ObjectNode schema =
        crd.schema().isObject() ? (ObjectNode) crd.schema().deepCopy() : JSON.createObjectNode();
    schema.put("type", "object");
    if (!schema.has("description")) {
      schema.put("description", crd.kind() + " (" + crd.groupVersion() + ")");
    }
    ObjectNode properties =
        schema.has("properties")
            ? (ObjectNode) schema.get("properties")
            : schema.putObject("properties");
    properties
        .putObject("apiVersion")
        .put("type", "string")
        .put(
            "description",
            "APIVersion defines the versioned schema of this representation of an object.");
    properties
        .putObject("kind")
        .put("type", "string")
        .put(
            "description",
            "Kind is a string value representing the REST resource this object" + " represents.");
    properties
        .putObject("metadata")
        .put("type", "object")
        .put("description", "Standard object's metadata.");
    gvk(schema.putArray("x-kubernetes-group-version-kind").addObject());
    return schema;
  }

  private void gvk(ObjectNode node) {
    node.put("group", crd.group()).put("kind", crd.kind()).put("version", crd.version());
  }
}
