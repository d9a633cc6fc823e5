package io.quorumkeeper.operator.testing;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One case of the hostile-input corpus ({@code hostile/specs.yaml}): how it changes a cluster, and
 * who must refuse it with which words.
 *
 * @param kind the class of input (names, pools, config, ...)
 * @param create the name of a new cluster to create instead of changing the running one
 * @param operator words the operator's SpecInvalid message must contain, or "schema-only"
 * @param manyListeners when positive, that many listeners {@code l0, l1, ...} on ports 10000 + i
 * @param bigListenerName when positive, one listener whose name is that many letters
 */
public record HostileCase(
    String id,
    String kind,
    String create,
    Map<String, JsonNode> set,
    List<String> remove,
    boolean apiRefuses,
    String operator,
    int bigConfigValue,
    int bigAnnotationValue,
    int manyListeners,
    int bigListenerName) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  public static List<HostileCase> load(Path corpus) throws IOException {
    List<HostileCase> cases = new ArrayList<>();
    for (JsonNode n : YAML.readTree(corpus.toFile())) {
      Map<String, JsonNode> set = new java.util.LinkedHashMap<>();
      n.path("set").fields().forEachRemaining(e -> set.put(e.getKey(), e.getValue()));
      List<String> remove = new ArrayList<>();
      n.path("remove").forEach(r -> remove.add(r.asText()));
      cases.add(
          new HostileCase(
              n.path("id").asText(),
              n.path("class").asText(),
              n.hasNonNull("create") ? n.get("create").asText() : null,
              set,
              remove,
              "refused".equals(n.path("api").asText()),
              n.path("operator").asText(),
              n.path("big-config-value").asInt(0),
              n.path("big-annotation-value").asInt(0),
              n.path("many-listeners").asInt(0),
              n.path("big-listener-name").asInt(0)));
    }
    return cases;
  }

  public boolean schemaOnly() {
    return "schema-only".equals(operator);
  }

  /** The cluster with this case's change made (the argument is changed and returned). */
  public JsonNode applyTo(JsonNode cluster) {
    ObjectNode root = (ObjectNode) cluster;
    if (create != null) {
      ObjectNode meta = (ObjectNode) root.get("metadata");
      meta.retain("namespace");
      meta.put("name", create);
    }
    set.forEach((pointer, value) -> put(root, JsonPointer.compile(pointer), value.deepCopy()));
    remove.forEach(
        pointer -> {
          JsonPointer p = JsonPointer.compile(pointer);
          ((ObjectNode) root.at(p.head())).remove(p.last().getMatchingProperty());
        });
    if (bigConfigValue > 0) {
      put(
          root,
          JsonPointer.compile("/spec/kafka/config/ssl.truststore.certificates"),
          text(bigConfigValue));
    }
    if (bigAnnotationValue > 0) {
      put(root, JsonPointer.compile("/spec/template/annotations/note"), text(bigAnnotationValue));
    }
    if (manyListeners > 0) {
      ArrayNode listeners = YAML.getNodeFactory().arrayNode();
      for (int i = 0; i < manyListeners; i++) {
        listeners.addObject().put("name", "l" + i).put("port", 10000 + i);
      }
      put(root, JsonPointer.compile("/spec/listeners"), listeners);
    }
    if (bigListenerName > 0) {
      ArrayNode listeners = YAML.getNodeFactory().arrayNode();
      listeners.addObject().put("name", "a".repeat(bigListenerName)).put("port", 9094);
      put(root, JsonPointer.compile("/spec/listeners"), listeners);
    }
    return root;
  }

  private static JsonNode text(int length) {
    return YAML.getNodeFactory().textNode("x".repeat(length));
  }

  private static void put(ObjectNode root, JsonPointer pointer, JsonNode value) {
    JsonNode parent = root;
    JsonPointer rest = pointer;
    while (rest.tail() != null && !rest.tail().matches()) {
      String field = rest.getMatchingProperty();
      JsonNode child = parent.get(field);
      if (child == null || !child.isObject()) {
        child = ((ObjectNode) parent).putObject(field);
      }
      parent = child;
      rest = rest.tail();
    }
    if (parent instanceof ArrayNode) {
      throw new IllegalArgumentException("the corpus sets whole lists, not items: " + pointer);
    }
    ((ObjectNode) parent).set(rest.getMatchingProperty(), value);
  }
}
