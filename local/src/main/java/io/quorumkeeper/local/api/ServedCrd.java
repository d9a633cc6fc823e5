package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the embedded API tells kubectl about the CRD in {@code crds/} (its served version): names,
 * scope, subresources, printer columns and schema, as a real API server takes them from the
 * CustomResourceDefinition.
 */
record ServedCrd(
    String group,
    String version,
    String plural,
    String singular,
    String kind,
    boolean namespaced,
    List<String> shortNames,
    List<String> categories,
    List<String> subresources,
    List<PrinterColumn> columns,
    JsonNode schema) {

  /** One of {@code additionalPrinterColumns}. */
  record PrinterColumn(
      String name, String type, String format, String description, int priority, String jsonPath) {}

  static ServedCrd read(Path crdFile) {
    JsonNode crd;
    try {
      crd = new ObjectMapper(new YAMLFactory()).readTree(crdFile.toFile());
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot read the CRD " + crdFile + ": " + e.getMessage());
    }
    JsonNode spec = crd.path("spec");
    JsonNode names = spec.path("names");
    JsonNode version = served(spec.path("versions"));
    List<String> subresources = new ArrayList<>();
    version.path("subresources").fieldNames().forEachRemaining(subresources::add);
    List<PrinterColumn> columns = new ArrayList<>();
    for (JsonNode c : version.path("additionalPrinterColumns")) {
      columns.add(
          new PrinterColumn(
              c.path("name").asText(),
              c.path("type").asText("string"),
              c.path("format").asText(""),
              c.path("description").asText(""),
              c.path("priority").asInt(0),
              c.path("jsonPath").asText()));
    }
    return new ServedCrd(
        spec.path("group").asText(),
        version.path("name").asText(),
        names.path("plural").asText(),
        names.path("singular").asText(),
        names.path("kind").asText(),
        !"Cluster".equals(spec.path("scope").asText()),
        texts(names.path("shortNames")),
        texts(names.path("categories")),
        subresources,
        columns,
        version.path("schema").path("openAPIV3Schema"));
  }

  String groupVersion() {
    return group + "/" + version;
  }

  private static JsonNode served(JsonNode versions) {
    for (JsonNode v : versions) {
      if (v.path("storage").asBoolean(false) || versions.size() == 1) {
        return v;
      }
    }
    return versions.path(0);
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
