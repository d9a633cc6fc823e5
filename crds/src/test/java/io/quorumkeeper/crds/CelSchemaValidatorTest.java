package io.quorumkeeper.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packaged QuorumCluster CRD, checked as the API server checks it: OpenAPI errors first, in the
 * API server's words, and CEL rules only when no OpenAPI error blocks them. The rules themselves
 * are specified by the operator's CrdValidationRulesTest.
 */
class CelSchemaValidatorTest {

  static final CelSchemaValidator VALIDATOR = CelSchemaValidator.forQuorumClusters();
  static final String RULES_NOT_CHECKED =
      "Invalid value: \"null\": " + CelSchemaValidator.RULES_NOT_CHECKED;

  static String quorumCluster(String spec) {
    return """
        apiVersion: quorumkeeper.io/v1alpha1
        kind: QuorumCluster
        metadata:
          name: demo
        spec:
        """
        + spec.indent(2);
  }

  static List<String> described(String spec) {
    return VALIDATOR.validateCreate(quorumCluster(spec)).stream().map(Violation::describe).toList();
  }

  @Test
  void givenAValidCluster_thenNothingFails() {
    assertThat(described("controllers: {replicas: 3, voters: 3}")).isEmpty();
  }

  @Test
  void givenOutOfRangeValues_thenTheOpenApiMessagesAndTheRulesStillRun() {
    assertThat(
            described(
                """
                controllers: {replicas: 0, voters: 2}
                healing: {unreachableAfter: soon}
                """))
        .containsExactlyInAnyOrder(
            "spec.controllers.replicas: Invalid value: 0: spec.controllers.replicas in body should"
                + " be greater than or equal to 1",
            "spec.healing.unreachableAfter: Invalid value: \"soon\":"
                + " spec.healing.unreachableAfter in body should match '^([0-9]+(ms|s|m|h))+$'",
            "spec.controllers: Invalid value: \"object\": controllers.voters must be odd (1, 3, 5,"
                + " 7 or 9): an even count tolerates no more failed voters than the odd count below"
                + " it",
            "spec.controllers: Invalid value: \"object\": controllers.voters cannot exceed"
                + " controllers.replicas: every voter needs its own controller pod");
  }

  @Test
  void givenAWrongTypeOrAMissingField_thenTheRulesAreNotChecked() {
    assertThat(described("controllers: {replicas: '3', voters: 2}"))
        .containsExactly(
            "spec.controllers.replicas: Invalid value: \"string\": spec.controllers.replicas in"
                + " body must be of type integer: \"string\"",
            RULES_NOT_CHECKED);
    assertThat(described("topology: Combined"))
        .containsExactly("spec.controllers: Required value", RULES_NOT_CHECKED);
  }

  @Test
  void givenANullListItem_thenRefusedByItsTypeInsteadOfBreakingTheRules() {
    assertThat(described("controllers: {replicas: 3}\nlisteners: [null]"))
        .containsExactly(
            "spec.listeners[0]: Invalid value: \"null\": spec.listeners[0] in body must be of type"
                + " object: \"null\"",
            RULES_NOT_CHECKED);
  }

  @Test
  void givenAnUnknownEnumValueOrField_thenNamed() {
    assertThat(described("controllers: {replicas: 3}\ntopology: Mixed\nvoterz: 3"))
        .contains(
            "spec.topology: Unsupported value: \"Mixed\": supported values: \"Combined\","
                + " \"Separated\"",
            "spec.voterz: Forbidden: field not declared in schema");
  }

  @Test
  void givenTheMetadataAndKind_thenNotTakenForUnknownFields() {
    assertThat(VALIDATOR.validateCreate(quorumCluster("controllers: {replicas: 1}"))).isEmpty();
  }
}
