package io.quorumkeeper.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quorumkeeper.operator.testing.ArgoHealth;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of the Argo CD health check's {@code health_test.yaml} (Argo CD's own format: an
 * object under {@code testdata/} and the health it must get), run through the real {@code lua5.1}.
 */
class ArgoHealthTest {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  record Case(String input, String status, String message) {
    @Override
    public String toString() {
      return input + " → " + status;
    }
  }

  @BeforeAll
  static void lua() {
    ArgoHealth.assumeLua();
  }

  static List<Case> cases() throws IOException {
    JsonNode tests = YAML.readTree(ArgoHealth.CUSTOMIZATION.resolve("health_test.yaml").toFile());
    List<Case> cases = new ArrayList<>();
    for (JsonNode test : tests.path("tests")) {
      cases.add(
          new Case(
              test.path("inputPath").asText(),
              test.path("healthStatus").path("status").asText(),
              test.path("healthStatus").path("message").asText()));
    }
    return cases;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void givenCase_thenHealthLuaReturnsItsStatusAndMessage(Case c) throws IOException {
    JsonNode object = YAML.readTree(ArgoHealth.CUSTOMIZATION.resolve(c.input()).toFile());

    ArgoHealth.Health health = ArgoHealth.of(object);

    assertThat(health).isEqualTo(new ArgoHealth.Health(c.status(), c.message()));
  }

  @Test
  void everyTestdataFileIsACaseAndEveryHealthIsCovered() throws IOException {
    List<String> files;
    try (Stream<Path> listing = Files.list(ArgoHealth.CUSTOMIZATION.resolve("testdata"))) {
      files = listing.map(p -> "testdata/" + p.getFileName()).sorted().toList();
    }

    assertThat(cases()).extracting(Case::input).containsExactlyInAnyOrderElementsOf(files);
    assertThat(cases())
        .extracting(Case::status)
        .containsOnly("Healthy", "Progressing", "Degraded", "Suspended")
        .contains("Healthy", "Progressing", "Degraded", "Suspended");
  }

  @Test
  void givenStringsWithQuotesNewlinesAndUnicode_thenTheyReachLuaUnchanged() throws IOException {
    JsonNode object =
        YAML.readTree(
            ArgoHealth.CUSTOMIZATION.resolve("testdata/degraded_specInvalid.yaml").toFile());
    String odd = "key \"a\\b\" → ünïcode\nsecond line";
    for (JsonNode condition : object.at("/status/conditions")) {
      if ("SpecInvalid".equals(condition.path("type").asText())) {
        ((ObjectNode) condition).put("message", odd);
      }
    }

    assertThat(ArgoHealth.of(object).message()).isEqualTo("spec invalid: " + odd);
  }
}
