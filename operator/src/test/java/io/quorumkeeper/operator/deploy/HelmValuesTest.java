package io.quorumkeeper.operator.deploy;

import static io.quorumkeeper.operator.deploy.HelmChartTest.first;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's values: each lands where it should in what Helm renders, and values.schema.json
 * refuses, before anything is rendered, what could add YAML or name something Kubernetes would
 * refuse.
 */
class HelmValuesTest {

  @TempDir Path tmp;

  @Test
  void givenDefaultImage_thenItIsTheChartsAppVersionAndTheKustomizeInstallsImage()
      throws Exception {
    Map<?, ?> chart =
        new ObjectMapper(new YAMLFactory())
            .readValue(Rendered.CHART.resolve("Chart.yaml").toFile(), Map.class);
    Container kustomize =
        first(Rendered.kustomize("../deploy"), Deployment.class)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);

    assertThat(operator(Map.of()).getImage())
        .isEqualTo("quorum-keeper/operator:" + chart.get("appVersion"))
        .isEqualTo(kustomize.getImage());
    Matcher version =
        Pattern.compile(
                "<artifactId>quorum-keeper-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(Path.of("../pom.xml")));
    assertThat(version.find()).isTrue();
    assertThat(chart.get("appVersion"))
        .as("appVersion: the version the build tags the image with, as released")
        .isEqualTo(version.group(1).replace("-SNAPSHOT", ""));
  }

  @Test
  void givenImageValues_whenRendered_thenThePodPullsThatImageWithThoseSecrets() {
    Map<String, Object> values =
        Map.of(
            "image",
            Map.of(
                "repository", "registry.example.com:5000/team/quorum-keeper",
                "tag", "0.2.0-rc.1",
                "pullPolicy", "Always"),
            "imagePullSecrets",
            List.of(Map.of("name", "registry-example")),
            "nodeImage",
            Map.of("repository", "registry.example.com:5000/team/quorum-node"));

    Deployment deployment = first(Rendered.helm(tmp, values), Deployment.class);
    Container operator = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(operator.getImage())
        .isEqualTo("registry.example.com:5000/team/quorum-keeper:0.2.0-rc.1");
    assertThat(operator.getImagePullPolicy()).isEqualTo("Always");
    assertThat(deployment.getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("registry-example");
    assertThat(operator.getEnv())
        .filteredOn(e -> e.getName().equals("QUORUMKEEPER_IMAGE_REPOSITORY"))
        .singleElement()
        .satisfies(
            e -> assertThat(e.getValue()).isEqualTo("registry.example.com:5000/team/quorum-node"));
  }

  @Test
  void givenReplicasAndResources_whenRendered_thenTheDeploymentHasThem() {
    Map<String, Object> resources = new HashMap<>();
    resources.put("requests", Map.of("cpu", "250m", "memory", "512Mi"));
    resources.put("limits", null); // Helm drops a default that is set to null
    Map<String, Object> values = Map.of("replicas", 3, "resources", resources);

    Deployment deployment = first(Rendered.helm(tmp, values), Deployment.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getResources())
        .satisfies(
            r -> {
              assertThat(r.getRequests())
                  .containsExactlyInAnyOrderEntriesOf(
                      Map.of("cpu", new Quantity("250m"), "memory", new Quantity("512Mi")));
              assertThat(r.getLimits()).isNullOrEmpty();
            });
  }

  @Test
  void givenMonitoringParts_whenRendered_thenEachIsLeftOutOrLabelledAsAsked() {
    assertThat(Rendered.helm(tmp, Map.of()))
        .as("no monitoring by default: its CRDs may not exist")
        .extracting(HasMetadata::getKind)
        .doesNotContain("Service", "ServiceMonitor", "PrometheusRule", "ConfigMap");

    Map<String, Object> monitoring =
        Map.of(
            "enabled", true,
            "serviceMonitor", Map.of("labels", Map.of("release", "kube-prometheus-stack")),
            "rules", Map.of("enabled", false),
            "dashboard", Map.of("enabled", false));
    List<HasMetadata> objects = Rendered.helm(tmp, Map.of("monitoring", monitoring));

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .contains("Service", "ServiceMonitor")
        .doesNotContain("PrometheusRule", "ConfigMap");
    assertThat(objects)
        .filteredOn(o -> o.getKind().equals("ServiceMonitor"))
        .singleElement()
        .satisfies(
            m ->
                assertThat(m.getMetadata().getLabels())
                    .containsEntry("release", "kube-prometheus-stack")
                    .containsEntry("app.kubernetes.io/name", "quorum-keeper"));
  }

  static Stream<Arguments> hostileValues() {
    return Stream.of(
        Arguments.of("namespace with a newline", Map.of("watchNamespaces", List.of("kafka\nx: y"))),
        Arguments.of(
            "namespace that adds a document",
            Map.of("watchNamespaces", List.of("kafka\n---\nkind: Secret"))),
        Arguments.of("namespace in capitals", Map.of("watchNamespaces", List.of("Kafka"))),
        Arguments.of("namespace too long", Map.of("watchNamespaces", List.of("a".repeat(64)))),
        Arguments.of("namespace twice", Map.of("watchNamespaces", List.of("kafka", "kafka"))),
        Arguments.of("namespaces as a string", Map.of("watchNamespaces", "kafka,payments")),
        Arguments.of("tag with a newline", Map.of("image", Map.of("tag", "1\nx: y"))),
        Arguments.of("repository with a space", Map.of("image", Map.of("repository", "a b"))),
        Arguments.of("pull policy unknown", Map.of("image", Map.of("pullPolicy", "Sometimes"))),
        Arguments.of(
            "pull secret with a newline",
            Map.of("imagePullSecrets", List.of(Map.of("name", "a\nb")))),
        Arguments.of("replicas negative", Map.of("replicas", -1)),
        Arguments.of("replicas as text", Map.of("replicas", "2\nx: y")),
        Arguments.of(
            "resource quantity with YAML",
            Map.of("resources", Map.of("limits", Map.of("memory", "1Gi\nx: y")))),
        Arguments.of(
            "label value with a newline",
            Map.of(
                "monitoring",
                Map.of("rules", Map.of("labels", Map.of("release", "x\nkind: Secret"))))),
        Arguments.of(
            "label name with a colon",
            Map.of("monitoring", Map.of("rules", Map.of("labels", Map.of("a: b", "c"))))),
        Arguments.of("a typo of watchNamespaces", Map.of("watchNamespace", List.of("kafka"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileValues")
  void givenHostileValues_whenRendered_thenTheSchemaRefusesThem(
      String what, Map<String, Object> values) {
    assertThatThrownBy(() -> Rendered.helmText(tmp, values))
        .as(what)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("values don't meet the specifications of the schema");
  }

  private Container operator(Map<String, Object> values) {
    return first(Rendered.helm(tmp, values), Deployment.class)
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0);
  }
}
