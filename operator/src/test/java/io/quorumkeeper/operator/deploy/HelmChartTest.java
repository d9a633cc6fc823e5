package io.quorumkeeper.operator.deploy;

import static io.quorumkeeper.operator.deploy.Rendered.CHART;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.quorumkeeper.operator.testing.DeployRbac;
import io.quorumkeeper.operator.testing.RestrictedProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Helm chart deploy/helm/quorum-keeper installs what the kustomizations under deploy/ install:
 * Helm's own engine lints it and renders it, and every object is compared, parsed, with {@code
 * kubectl kustomize}'s, field by field but for the labels Helm adds. Its RBAC is therefore the RBAC
 * of the files RbacApiTest checks in both directions, which this test also asserts directly.
 */
class HelmChartTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void givenChart_whenLintedStrictly_thenHelmReportsNoProblem() {
    LintResult lint = new Helm(CHART).lint().strict().call();

    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void givenDefaultValues_whenRendered_thenTheObjectsOfKustomizeDeploy() {
    List<HasMetadata> chart = Rendered.helm(tmp, Map.of("createNamespace", true));

    assertSameObjects(chart, Rendered.kustomize("../deploy"));
    assertThat(Rendered.helm(tmp, Map.of()))
        .as("the namespace is Helm's (--create-namespace) unless createNamespace is set")
        .extracting(HasMetadata::getKind)
        .doesNotContain("Namespace")
        .hasSize(chart.size() - 1);
  }

  @Test
  void givenWatchNamespaces_whenRendered_thenTheObjectsOfKustomizeNamespaced() {
    List<String> watched = DeployRbac.watchedNamespaces().stream().sorted().toList();

    assertSameObjects(
        Rendered.helm(tmp, Map.of("createNamespace", true, "watchNamespaces", watched)),
        Rendered.kustomize("../deploy/namespaced"));
  }

  @Test
  void givenTwoWatchNamespaces_whenRendered_thenARoleInEachAndBothInTheOperatorsEnvironment() {
    List<HasMetadata> chart =
        Rendered.helm(tmp, Map.of("watchNamespaces", List.of("kafka", "payments")));

    assertThat(chart)
        .filteredOn(
            o ->
                o.getKind().startsWith("Role") && o.getMetadata().getName().equals("quorum-keeper"))
        .extracting(Rendered::key)
        .containsExactlyInAnyOrder(
            "Role/kafka/quorum-keeper",
            "RoleBinding/kafka/quorum-keeper",
            "Role/payments/quorum-keeper",
            "RoleBinding/payments/quorum-keeper");
    assertThat(first(chart, Deployment.class).getSpec().getTemplate().getSpec())
        .satisfies(
            pod ->
                assertThat(pod.getContainers().get(0).getEnv())
                    .filteredOn(e -> e.getName().equals("QUORUMKEEPER_WATCH_NAMESPACES"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getValue()).isEqualTo("kafka,payments")));
  }

  /**
   * RbacApiTest records every API call of a cluster's life and checks it against deploy/'s role
   * files in both directions; the chart's roles are those files' rules, so that check holds for the
   * chart without a second run of the scenario.
   */
  @Test
  void givenEitherInstall_whenRendered_thenItsRbacIsTheOneRbacApiTestChecks() {
    List<HasMetadata> everywhere = Rendered.helm(tmp, Map.of());
    List<HasMetadata> namespaced =
        Rendered.helm(tmp, Map.of("watchNamespaces", List.of("kafka", "payments")));

    assertThat(first(everywhere, ClusterRole.class).getRules())
        .isEqualTo(DeployRbac.clusterRole().getRules());
    assertThat(first(namespaced, ClusterRole.class).getRules())
        .isEqualTo(DeployRbac.namespacedClusterRole().getRules());
    for (List<HasMetadata> objects : List.of(everywhere, namespaced)) {
      assertThat(named(objects, Role.class, "quorum-keeper-leader-election"))
          .singleElement()
          .satisfies(r -> assertThat(r.getRules()).isEqualTo(DeployRbac.role().getRules()))
          .satisfies(r -> assertThat(r.getMetadata().getNamespace()).isEqualTo(Rendered.RELEASE));
    }
    assertThat(named(everywhere, Role.class, "quorum-keeper")).isEmpty();
    assertThat(named(namespaced, Role.class, "quorum-keeper"))
        .hasSize(2)
        .allSatisfy(
            r -> assertThat(r.getRules()).isEqualTo(DeployRbac.namespacedRole().getRules()));
  }

  @Test
  void givenEitherInstall_whenRendered_thenTheOperatorPodMeetsTheRestrictedProfile() {
    SoftAssertions softly = new SoftAssertions();
    for (List<String> watched : List.of(List.<String>of(), List.of("kafka"))) {
      Deployment deployment =
          first(Rendered.helm(tmp, Map.of("watchNamespaces", watched)), Deployment.class);
      RestrictedProfile.check(
          softly, "chart " + watched, deployment.getSpec().getTemplate().getSpec());
    }
    softly.assertAll();
  }

  @Test
  void givenChart_thenItsCopiesAreTheCrdAndTheMonitoringFilesTheyCopy() throws Exception {
    String crd = "quorumclusters.quorumkeeper.io-v1.yml";
    Map<Path, Path> copies =
        Map.of(
            CHART.resolve("crds").resolve(crd), Path.of("../crds", crd),
            CHART.resolve("files/grafana-dashboard.json"),
                Path.of("../deploy/monitoring/grafana-dashboard.json"),
            CHART.resolve("files/rules/quorum-keeper.rules.yaml"),
                Path.of("../deploy/monitoring/rules/quorum-keeper.rules.yaml"));
    try (var chartCrds = Files.list(CHART.resolve("crds"))) {
      assertThat(chartCrds).extracting(p -> p.getFileName().toString()).containsExactly(crd);
    }
    SoftAssertions softly = new SoftAssertions();
    copies.forEach(
        (copy, original) ->
            softly
                .assertThat(read(copy))
                .as(
                    "%s is a stale copy of %s: run `./mvnw -pl operator package -DskipTests`"
                        + " (or copy it) and commit it",
                    copy, original)
                .isEqualTo(read(original)));
    softly.assertAll();
  }

  @Test
  void givenMonitoringEnabled_whenRendered_thenTheObjectsOfKustomizeMonitoring() {
    List<HasMetadata> chart = Rendered.helm(tmp, Map.of("monitoring", Map.of("enabled", true)));
    List<HasMetadata> operator = Rendered.helm(tmp, Map.of());

    assertSameObjects(
        chart.stream().filter(o -> !contains(operator, o)).toList(),
        Rendered.kustomize("../deploy/monitoring"));
  }

  /**
   * The same objects (kind, namespace, name) and each the same but for labels, which the chart's
   * include the kustomization's.
   */
  private static void assertSameObjects(List<HasMetadata> chart, List<HasMetadata> kustomize) {
    Map<String, ObjectNode> actual = byKey(chart);
    Map<String, ObjectNode> expected = byKey(kustomize);
    assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    SoftAssertions softly = new SoftAssertions();
    expected.forEach(
        (key, want) -> {
          ObjectNode got = actual.get(key);
          ObjectNode gotLabels = removeLabels(got);
          ObjectNode wantLabels = removeLabels(want);
          wantLabels
              .fields()
              .forEachRemaining(
                  e ->
                      softly
                          .assertThat(gotLabels.get(e.getKey()))
                          .as("%s label %s", key, e.getKey())
                          .isEqualTo(e.getValue()));
          softly.assertThat(got).as(key).isEqualTo(want);
        });
    softly.assertAll();
  }

  private static Map<String, ObjectNode> byKey(List<HasMetadata> objects) {
    return objects.stream()
        .collect(
            Collectors.toMap(
                Rendered::key,
                o -> (ObjectNode) JSON.valueToTree(o),
                (a, b) -> {
                  throw new AssertionError("rendered twice: " + a);
                },
                TreeMap::new));
  }

  private static ObjectNode removeLabels(ObjectNode object) {
    ObjectNode labels = (ObjectNode) ((ObjectNode) object.get("metadata")).remove("labels");
    return labels == null ? JSON.createObjectNode() : labels;
  }

  private static boolean contains(List<HasMetadata> objects, HasMetadata object) {
    return objects.stream().map(Rendered::key).anyMatch(Rendered.key(object)::equals);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static <T extends HasMetadata> List<T> named(
      List<HasMetadata> objects, Class<T> kind, String name) {
    return objects.stream()
        .filter(kind::isInstance)
        .map(kind::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .toList();
  }

  static <T> T first(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).findFirst().orElseThrow();
  }
}
