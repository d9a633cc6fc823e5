package io.quorumkeeper.crds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates an object against a CRD's schema the way the API server does on create and update:
 * defaults, then the OpenAPI checks ({@link StructuralCheck}), then the {@code
 * x-kubernetes-validations} CEL rules with a real CEL implementation (cel-java). Used by the
 * operator's tests and by the local runtime's embedded API, so both refuse what a cluster refuses.
 *
 * <p>What it mirrors: schema defaults are applied to the new and the old object first (the
 * apiextensions defaulting algorithm: missing properties get their default, then recurse into
 * properties, additionalProperties and items); the CEL rules are skipped when an OpenAPI error
 * blocks them (wrong type, enum, required...), as the API server does; every rule is evaluated with
 * {@code self} bound to the value at its schema node, only when that value is present; transition
 * rules (those whose checked AST references {@code oldSelf}) only on update and only where the old
 * value exists, correlated through object properties and map keys, never through list items.
 *
 * <p>What it does not: pruning (undeclared fields are refused instead), rule cost estimation,
 * validation ratcheting, type-checking against the schema (variables are {@code dyn}) and the
 * Kubernetes CEL extension libraries (strings, lists, regex, quantity...). Rules that use {@code
 * messageExpression} or {@code optionalOldSelf} are refused rather than half-evaluated.
 */
public final class CelSchemaValidator {

  /**
   * Where the QuorumCluster CRD sits on the classpath (this module packages {@code crds/*.yml}).
   */
  public static final String QUORUM_CLUSTER_CRD = "crds/quorumclusters.quorumkeeper.io-v1.yml";

  static final String SELF = "self";
  static final String OLD_SELF = "oldSelf";

  /** The API server's answer when OpenAPI errors keep it from evaluating the CEL rules. */
  static final String RULES_NOT_CHECKED =
      "some validation rules were not checked because the object was invalid; correct the existing"
          + " errors to complete validation";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          // has(), all(), exists(), map(), filter(): not enabled by cel-java's standard builder
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar(SELF, SimpleType.DYN)
          .addVar(OLD_SELF, SimpleType.DYN)
          .build();

  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  /** One rule of the CRD, where it sits in the schema (e.g. {@code spec.controllers}). */
  public record Rule(String path, String rule, String message, boolean transition) {}

  private final JsonNode schema;
  private final Map<String, CelRuntime.Program> programs = new HashMap<>();
  private final Map<String, Boolean> transitions = new HashMap<>();

  private CelSchemaValidator(JsonNode schema) {
    this.schema = schema;
    rules(); // compiles every rule: a rule that does not compile fails here, not when first used
  }

  /** Reads the openAPIV3Schema of the CRD's first version; compiles every rule up front. */
  public static CelSchemaValidator forCrd(Path crdYaml) {
    return forCrd(crdYaml.toString(), readYaml(crdYaml));
  }

  /** The validator of a CRD given as YAML text. */
  public static CelSchemaValidator forCrdText(String crdYaml) {
    return forCrd("the CRD", parseYaml(crdYaml));
  }

  /** The validator of the QuorumCluster CRD packaged with this module. */
  public static CelSchemaValidator forQuorumClusters() {
    try (InputStream in =
        CelSchemaValidator.class.getClassLoader().getResourceAsStream(QUORUM_CLUSTER_CRD)) {
      if (in == null) {
        throw new IllegalStateException(QUORUM_CLUSTER_CRD + " is not on the classpath");
      }
      return forCrd(QUORUM_CLUSTER_CRD, YAML.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CelSchemaValidator forCrd(String source, JsonNode crd) {
    JsonNode schema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    if (schema.isMissingNode()) {
      throw new IllegalArgumentException(
          source + " has no spec.versions[0].schema.openAPIV3Schema");
    }
    return new CelSchemaValidator(schema);
  }

  public static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode parseYaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public JsonNode schema() {
    return schema;
  }

  /** Every rule in the schema, in document order, with the path of the node that declares it. */
  public List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    collectRules(schema, "", rules);
    return rules;
  }

  private void collectRules(JsonNode node, String path, List<Rule> out) {
    for (JsonNode v : node.path("x-kubernetes-validations")) {
      String rule = v.path("rule").asText();
      out.add(new Rule(path, rule, v.path("message").asText(""), isTransition(rule)));
    }
    node.path("properties")
        .fields()
        .forEachRemaining(e -> collectRules(e.getValue(), join(path, e.getKey()), out));
    if (node.path("additionalProperties").isObject()) {
      collectRules(node.get("additionalProperties"), path + "[*]", out);
    }
    if (node.path("items").isObject()) {
      collectRules(node.get("items"), path + "[]", out);
    }
  }

  /** What fails when the object is created. */
  public List<Violation> validateCreate(String objectYaml) {
    return validate(parseYaml(objectYaml), null);
  }

  /** What fails when {@code oldYaml} is updated to {@code newYaml}. */
  public List<Violation> validateUpdate(String oldYaml, String newYaml) {
    return validate(parseYaml(newYaml), parseYaml(oldYaml));
  }

  /**
   * What fails when {@code object} is created ({@code oldObject} null) or replaces {@code
   * oldObject}: both are defaulted first, then the OpenAPI checks run, then the CEL rules unless an
   * OpenAPI error blocks them. Empty when the API server would accept the object.
   */
  public List<Violation> validate(JsonNode object, JsonNode oldObject) {
    JsonNode self = withDefaults(object);
    JsonNode oldSelf = oldObject == null ? null : withDefaults(oldObject);
    List<Violation> violations = new ArrayList<>();
    StructuralCheck.checkRoot(schema, self, violations);
    if (violations.stream().anyMatch(v -> v.type().blocksRules())) {
      violations.add(
          new Violation(
              "", "", RULES_NOT_CHECKED, Violation.Type.INVALID, Violation.quoted("null")));
      return violations;
    }
    validate(schema, self, oldSelf, "", violations);
    return violations;
  }

  /** A copy of the object with the schema's defaults applied, as the API server stores it. */
  public JsonNode withDefaults(JsonNode object) {
    JsonNode copy = object.deepCopy();
    applyDefaults(schema, copy);
    return copy;
  }

  private static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object) {
      schema
          .path("properties")
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode defaultValue = e.getValue().get("default");
                JsonNode current = object.get(e.getKey());
                if (defaultValue != null && (current == null || current.isNull())) {
                  object.set(e.getKey(), defaultValue.deepCopy());
                }
              });
      object
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode property = schema.path("properties").get(e.getKey());
                if (property != null) {
                  applyDefaults(property, e.getValue());
                } else if (schema.path("additionalProperties").isObject()) {
                  applyDefaults(schema.get("additionalProperties"), e.getValue());
                }
              });
    } else if (value != null && value.isArray() && schema.path("items").isObject()) {
      value.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  private void validate(
      JsonNode schema, JsonNode value, JsonNode oldValue, String path, List<Violation> out) {
    if (value == null || value.isNull()) {
      return;
    }
    for (JsonNode v : schema.path("x-kubernetes-validations")) {
      evaluate(v, value, oldValue, path)
          .map(message -> celViolation(schema, path, v, message))
          .ifPresent(out::add);
    }
    if (value.isObject()) {
      value
          .fields()
          .forEachRemaining(
              e -> {
                JsonNode old =
                    oldValue != null && oldValue.isObject() ? oldValue.get(e.getKey()) : null;
                JsonNode property = schema.path("properties").get(e.getKey());
                if (property != null) {
                  validate(property, e.getValue(), old, join(path, e.getKey()), out);
                } else if (schema.path("additionalProperties").isObject()) {
                  validate(
                      schema.get("additionalProperties"),
                      e.getValue(),
                      old,
                      path + "[" + e.getKey() + "]",
                      out);
                }
              });
    } else if (value.isArray() && schema.path("items").isObject()) {
      for (int i = 0; i < value.size(); i++) {
        // list items are not correlated with the old list here: no oldSelf below a list
        validate(schema.get("items"), value.get(i), null, path + "[" + i + "]", out);
      }
    }
  }

  /** A failed rule as the API server reports it: the value shown is the schema's type name. */
  private static Violation celViolation(
      JsonNode schema, String path, JsonNode validation, String message) {
    return new Violation(
        path,
        validation.path("rule").asText(),
        message,
        Violation.Type.INVALID,
        Violation.quoted(schema.path("type").asText("object")));
  }

  /** The message of the rule when it fails, empty when it holds. */
  private Optional<String> evaluate(
      JsonNode validation, JsonNode value, JsonNode oldValue, String path) {
    String rule = validation.path("rule").asText();
    if (validation.has("messageExpression") || validation.path("optionalOldSelf").asBoolean()) {
      throw new UnsupportedOperationException(
          "messageExpression and optionalOldSelf are not supported by this validator: " + rule);
    }
    boolean transition = isTransition(rule);
    if (transition && (oldValue == null || oldValue.isNull())) {
      return Optional.empty();
    }
    Map<String, Object> vars = new HashMap<>();
    vars.put(SELF, toCel(value));
    if (transition) {
      vars.put(OLD_SELF, toCel(oldValue));
    }
    String message = validation.path("message").asText("");
    if (message.isEmpty()) {
      message = "failed rule: " + rule; // the API server's default
    }
    try {
      Object result = program(rule).eval(vars);
      if (Boolean.TRUE.equals(result)) {
        return Optional.empty();
      }
      if (result instanceof Boolean) {
        return Optional.of(message);
      }
      return Optional.of("rule did not evaluate to a bool but to " + result + " at " + path);
    } catch (CelEvaluationException e) {
      return Optional.of("error evaluating rule: " + e.getMessage());
    }
  }

  /** Whether the rule is a transition rule: its checked AST references {@code oldSelf}. */
  public boolean isTransition(String rule) {
    compile(rule);
    return transitions.get(rule);
  }

  private CelRuntime.Program program(String rule) {
    compile(rule);
    return programs.get(rule);
  }

  private void compile(String rule) {
    if (programs.containsKey(rule)) {
      return;
    }
    try {
      CelAbstractSyntaxTree ast = COMPILER.compile(rule).getAst();
      programs.put(rule, RUNTIME.createProgram(ast));
      transitions.put(
          rule, ast.getReferenceMap().values().stream().anyMatch(r -> OLD_SELF.equals(r.name())));
    } catch (CelValidationException | CelEvaluationException e) {
      throw new IllegalArgumentException(
          "rule does not compile: " + rule + "\n" + e.getMessage(), e);
    }
  }

  /** A YAML/JSON value as CEL sees it: maps, lists, int (Long), double, string, bool. */
  static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields()
          .forEachRemaining(
              e -> {
                if (!e.getValue().isNull()) { // the API server drops nulls of non-nullable fields
                  map.put(e.getKey(), toCel(e.getValue()));
                }
              });
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.longValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    throw new IllegalArgumentException("no CEL value for " + node.getNodeType() + ": " + node);
  }

  private static String join(String path, String name) {
    return StructuralCheck.join(path, name);
  }
}
