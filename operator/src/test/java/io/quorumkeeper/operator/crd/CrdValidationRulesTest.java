package io.quorumkeeper.operator.crd;

import static io.quorumkeeper.operator.crd.CrdManifests.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.quorumkeeper.crds.CelSchemaValidator.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The generated QuorumCluster CRD's rules themselves (where they sit, that each has a message a
 * user can act on and an example that breaks it) and that every field is documented for {@code
 * kubectl explain}. The rules at work: {@link CrdCreateRulesTest}, {@link CrdUpdateRulesTest}.
 */
@DisplayName("QuorumCluster CRD validation rules")
class CrdValidationRulesTest {

  @Test
  void shouldBeFoundWhereTheModelDeclaresThem() {
    assertThat(validator.rules())
        .extracting(Rule::path, Rule::transition)
        .containsExactlyInAnyOrder(
            tuple("spec", false),
            tuple("spec", false),
            tuple("spec", false),
            tuple("spec.listeners", false),
            tuple("spec.listeners", false),
            tuple("spec.listeners", false),
            tuple("spec.listeners", false),
            tuple("spec.listeners", false),
            tuple("spec.controllers", false),
            tuple("spec.controllers", false),
            tuple("spec.controllers", false),
            tuple("spec.topology", true),
            tuple("spec.security", false),
            tuple("spec.security.certificateAuthority", false),
            tuple("spec.security.certificateAuthority.issuerRef.kind", false),
            tuple("spec.security.transport", true),
            tuple("spec.controllers.storage.size", true),
            tuple("spec.controllers.storage.storageClassName", true),
            tuple("spec.brokers.storage.size", true),
            tuple("spec.brokers.storage.storageClassName", true));
  }

  @Test
  void everyRuleShouldHaveAHumanMessage() {
    assertThat(validator.rules())
        .allSatisfy(
            rule ->
                assertThat(rule.message())
                    .as("message of rule '%s' at %s", rule.rule(), rule.path())
                    .isNotBlank()
                    .doesNotStartWith("failed rule"));
  }

  @Test
  void everyRuleShouldBeProvenByAnExampleThatBreaksIt() {
    List<String> proven = new ArrayList<>();
    CrdCreateRulesTest.invalidClusters().forEach(args -> proven.add((String) args.get()[3]));
    proven.add(TOPOLOGY_IMMUTABLE); // OnUpdate
    proven.add(TRANSPORT_IMMUTABLE); // OnUpdate
    proven.add(SIZE_IMMUTABLE); // OnUpdate
    proven.add(CLASS_IMMUTABLE); // OnUpdate

    assertThat(validator.rules())
        .extracting(Rule::message)
        .as("a new rule needs an invalid example in this test")
        .allSatisfy(message -> assertThat(proven).contains(message));
  }

  /**
   * Embedded Kubernetes core types: their schemas come from the Fabric8 model without descriptions,
   * and we do not control them. The property itself (e.g. template.affinity) is ours and must be
   * documented; what is below it is not.
   */
  static final List<Pattern> EMBEDDED_CORE_TYPES =
      Stream.of(
              "^spec\\..*\\.resources[.\\[]",
              "^spec\\.template\\.affinity[.\\[]",
              "^spec\\.template\\.tolerations[.\\[]",
              "^spec\\.template\\.topologySpreadConstraints[.\\[]",
              "^status\\.conditions\\[\\]")
          .map(Pattern::compile)
          .toList();

  @Test
  void everyPropertyOfSpecAndStatusShouldHaveADescription() {
    JsonNode root = validator.schema().path("properties");
    List<String> checked = new ArrayList<>();
    List<String> undocumented = new ArrayList<>();

    collectProperties(root.path("spec"), "spec", checked, undocumented);
    collectProperties(root.path("status"), "status", checked, undocumented);

    assertThat(checked)
        .as("the walk reaches nested spec and status properties")
        .contains("spec.controllers.voters", "status.quorum.members[].health");
    assertThat(undocumented)
        .as("properties without a description (kubectl explain shows none)")
        .isEmpty();
  }

  private static void collectProperties(
      JsonNode schema, String path, List<String> checked, List<String> undocumented) {
    schema
        .path("properties")
        .fields()
        .forEachRemaining(
            e -> {
              String property = path + "." + e.getKey();
              if (EMBEDDED_CORE_TYPES.stream().anyMatch(p -> p.matcher(property).find())) {
                return;
              }
              checked.add(property);
              if (e.getValue().path("description").asText("").isBlank()) {
                undocumented.add(property);
              }
              collectProperties(e.getValue(), property, checked, undocumented);
            });
    if (schema.path("items").isObject()) {
      collectProperties(schema.get("items"), path + "[]", checked, undocumented);
    }
    if (schema.path("additionalProperties").isObject()) {
      collectProperties(schema.get("additionalProperties"), path + "[*]", checked, undocumented);
    }
  }
}
