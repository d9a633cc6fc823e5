package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Server-side printing: a list or an object answered as a {@code meta.k8s.io/v1 Table}, as kubectl
 * asks with {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}. QuorumClusters get the
 * CRD's {@code additionalPrinterColumns} (JSONPath evaluated; priority above 0 means {@code -o
 * wide} only, which kubectl decides); pods, StatefulSets and events get the columns a real API
 * server gives them ({@link BuiltInColumns}); anything else Name and Age.
 */
final class Tables {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A column and how to compute its cell from an object. */
  record Column(
      String name,
      String type,
      String format,
      String description,
      int priority,
      Function<JsonNode, JsonNode> cell) {

    static Column of(String name, String type, int priority, Function<JsonNode, JsonNode> cell) {
      return new Column(name, type, "", "", priority, cell);
    }
  }

  private final ServedCrd crd;
  private final Clock clock;

  Tables(ServedCrd crd, Clock clock) {
    this.crd = crd;
    this.clock = clock;
  }

  /**
   * {@code body} (a list or one object of resource {@code plural}) as a Table; {@code
   * includeObject} is the request's parameter (None, Object, or Metadata by default).
   */
  ObjectNode table(String plural, JsonNode body, String includeObject, boolean headers) {
    List<Column> columns = columns(plural);
    List<JsonNode> objects = new ArrayList<>();
    if (body.path("kind").asText().endsWith("List") && body.has("items")) {
      body.path("items").forEach(objects::add);
    } else {
      objects.add(body);
    }
    if ("events".equals(plural)) {
      objects.sort(Comparator.comparing(BuiltInColumns::lastSeen));
    }
    ObjectNode table = JSON.createObjectNode();
    table.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table
        .putObject("metadata")
        .put("resourceVersion", body.at("/metadata/resourceVersion").asText(""));
    ArrayNode definitions = table.putArray("columnDefinitions");
    if (headers) {
      for (Column c : columns) {
        definitions
            .addObject()
            .put("name", c.name())
            .put("type", c.type())
            .put("format", c.format())
            .put("description", c.description())
            .put("priority", c.priority());
      }
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode object : objects) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      columns.forEach(c -> cells.add(c.cell().apply(object)));
      JsonNode rowObject = rowObject(object, includeObject);
      if (rowObject != null) {
        row.set("object", rowObject);
      }
    }
    return table;
  }

  private static JsonNode rowObject(JsonNode object, String includeObject) {
    if ("None".equals(includeObject)) {
      return null;
    }
    if ("Object".equals(includeObject)) {
      return object;
    }
    ObjectNode partial = JSON.createObjectNode();
    partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
    partial.set("metadata", object.path("metadata").deepCopy());
    return partial;
  }

  List<Column> columns(String plural) {
    Column name =
        new Column(
            "Name",
            "string",
            "name",
            "Name must be unique within a namespace.",
            0,
            o -> NODES.textNode(o.at("/metadata/name").asText()));
    List<Column> columns = new ArrayList<>();
    if (!"events".equals(plural)) {
      columns.add(name);
    }
    BuiltInColumns builtIn = new BuiltInColumns(clock);
    switch (plural) {
      case "pods" -> columns.addAll(builtIn.pods());
      case "statefulsets" -> columns.addAll(builtIn.statefulSets());
      case "events" -> columns.addAll(builtIn.events());
      default -> {
        if (plural.equals(crd.plural())) {
          crd.columns().forEach(c -> columns.add(printerColumn(c)));
        } else {
          columns.add(builtIn.age());
        }
      }
    }
    return columns;
  }

  private Column printerColumn(ServedCrd.PrinterColumn c) {
    return new Column(
        c.name(),
        c.type(),
        c.format(),
        c.description(),
        c.priority(),
        o -> cell(c.type(), JsonPaths.first(o, c.jsonPath())));
  }

  /** A printer column's cell as the API server's table convertor computes it. */
  JsonNode cell(String type, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return NullNode.getInstance();
    }
    return switch (type) {
      case "integer" -> value.isIntegralNumber() ? value : NullNode.getInstance();
      case "number" -> value.isNumber() ? value : NullNode.getInstance();
      case "boolean" -> value.isBoolean() ? value : NullNode.getInstance();
      case "date" -> NODES.textNode(Ages.since(value.asText(), clock.instant()));
      default -> NODES.textNode(value.isValueNode() ? value.asText() : value.toString());
    };
  }
}
