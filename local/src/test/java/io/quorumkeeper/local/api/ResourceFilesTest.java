package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.local.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ResourceFilesTest {

  private static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  private static final ResourceFiles FILES =
      ResourceFiles.forCrd(HOME.resolve("crds/quorumclusters.quorumkeeper.io-v1.yml"));

  /** The examples users apply and the clusters the E2E tests apply (src/test/resources). */
  static Stream<Path> examples() throws Exception {
    return Stream.concat(
            Files.list(HOME.resolve("examples")), Files.list(Path.of("src/test/resources")))
        .filter(p -> p.toString().endsWith(".yaml"));
  }

  @ParameterizedTest
  @MethodSource("examples")
  void givenEveryExample_whenRead_thenAcceptedIntoTheDefaultNamespace(Path example) {
    assertThat(FILES.read(example))
        .singleElement()
        .satisfies(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo("default"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "kind: [QuorumCluster|not valid YAML",
        "apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: x}|expected apiVersion quorumkeeper.io/v1alpha1",
        "apiVersion: quorumkeeper.io/v1alpha1\\nkind: QuorumCluster\\nmetadata: {name: x}\\nspec: {topology: Mixed, kafka: {version: 4.4.0}, controllers: {replicas: 3}}|spec.topology: Unsupported value: \"Mixed\": supported values: \"Combined\", \"Separated\"",
        "apiVersion: quorumkeeper.io/v1alpha1\\nkind: QuorumCluster\\nmetadata: {name: x}\\nspec: {topology: Combined, kafka: {version: 4.4.0}, controllers: {replicas: three}}|spec.controllers.replicas in body must be of type integer",
        "apiVersion: quorumkeeper.io/v1alpha1\\nkind: QuorumCluster\\nmetadata: {name: x}\\nspec: {topologyy: Combined}|spec.topologyy: Forbidden: field not declared in schema",
        "apiVersion: quorumkeeper.io/v1alpha1\\nkind: QuorumCluster\\nmetadata: {name: x}\\nspec: {controllers: {replicas: 3, voters: 2}}|in.yaml: QuorumCluster.quorumkeeper.io \"x\" is invalid: spec.controllers: Invalid value: \"object\": controllers.voters must be odd",
        "apiVersion: quorumkeeper.io/v1alpha1\\nkind: QuorumCluster\\nmetadata: {name: Bad_Name}\\nspec: {}|metadata.name must be a DNS label"
      })
  void givenBadInput_whenParsed_thenOneLineNamingTheProblem(String yaml, String message) {
    assertThatThrownBy(() -> FILES.parse("in.yaml", yaml.replace("\\n", "\n")))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage().lines()).hasSize(1));
  }
}
