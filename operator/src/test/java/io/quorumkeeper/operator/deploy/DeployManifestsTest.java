package io.quorumkeeper.operator.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.SecretModel;
import io.quorumkeeper.operator.testing.DeployRbac;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl kustomize deploy/} renders offline into a complete, consistent install, and so
 * does the namespace-scoped {@code deploy/namespaced/}; so do the monitoring kit ({@code
 * deploy/monitoring/}) and its per-cluster PodMonitor for the nodes.
 */
class DeployManifestsTest {

  @Test
  void givenDeployKustomization_whenRendered_thenCrdOperatorAndRbacAreConsistent()
      throws Exception {
    List<HasMetadata> objects = render();

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "Namespace",
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Deployment");
    CustomResourceDefinition crd = first(objects, CustomResourceDefinition.class);
    assertThat(crd.getMetadata().getName()).isEqualTo("quorumclusters.quorumkeeper.io");
    Deployment deployment = first(objects, Deployment.class);
    ClusterRoleBinding binding = first(objects, ClusterRoleBinding.class);
    assertThat(binding.getSubjects().get(0).getName())
        .isEqualTo(deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
    assertThat(binding.getSubjects().get(0).getNamespace())
        .isEqualTo(deployment.getMetadata().getNamespace())
        .isEqualTo("quorum-keeper");
  }

  @Test
  void givenDeployKustomization_whenRendered_thenReplicasElectALeaderThroughALeaseTheyMayUse()
      throws Exception {
    List<HasMetadata> objects = render();
    Deployment deployment = first(objects, Deployment.class);
    Role role = first(objects, Role.class);
    RoleBinding binding = first(objects, RoleBinding.class);

    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(role.getMetadata().getNamespace())
        .isEqualTo(deployment.getMetadata().getNamespace());
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects().get(0).getName())
        .isEqualTo(deployment.getSpec().getTemplate().getSpec().getServiceAccountName());
    assertThat(role.getRules())
        .anySatisfy(
            r -> assertThat(r.getResourceNames()).containsExactly("quorum-keeper-operator"));
    List<EnvVar> env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    assertThat(env)
        .filteredOn(e -> e.getName().startsWith("QUORUMKEEPER_LEADER_ELECTION_"))
        .extracting(e -> e.getName() + "=" + e.getValueFrom().getFieldRef().getFieldPath())
        .containsExactlyInAnyOrder(
            "QUORUMKEEPER_LEADER_ELECTION_IDENTITY=metadata.name",
            "QUORUMKEEPER_LEADER_ELECTION_LEASE_NAMESPACE=metadata.namespace");
  }

  @Test
  void givenBothKustomizations_whenRendered_thenTheOperatorPodMeetsTheRestrictedProfile()
      throws Exception {
    org.assertj.core.api.SoftAssertions softly = new org.assertj.core.api.SoftAssertions();
    for (String dir : List.of("../deploy", "../deploy/namespaced")) {
      Deployment deployment = first(render(dir), Deployment.class);
      io.quorumkeeper.operator.testing.RestrictedProfile.check(
          softly, dir + " operator", deployment.getSpec().getTemplate().getSpec());
    }
    softly.assertAll();
  }

  @Test
  void
      givenNamespacedKustomization_whenRendered_thenARolePerWatchedNamespaceAndOnlyNodesClusterWide()
          throws Exception {
    List<HasMetadata> objects = render("../deploy/namespaced");
    Deployment deployment = first(objects, Deployment.class);
    String operatorNamespace = deployment.getMetadata().getNamespace();
    String account = deployment.getSpec().getTemplate().getSpec().getServiceAccountName();

    List<Role> roles = all(objects, Role.class, "quorum-keeper");
    List<RoleBinding> bindings = all(objects, RoleBinding.class, "quorum-keeper");
    assertThat(watchNamespaces(deployment))
        .as("QUORUMKEEPER_WATCH_NAMESPACES")
        .containsExactlyInAnyOrderElementsOf(DeployRbac.watchedNamespaces())
        .containsExactlyInAnyOrderElementsOf(
            roles.stream().map(r -> r.getMetadata().getNamespace()).toList())
        .containsExactlyInAnyOrderElementsOf(
            bindings.stream().map(b -> b.getMetadata().getNamespace()).toList());
    assertThat(roles)
        .allSatisfy(
            r -> assertThat(r.getRules()).isEqualTo(DeployRbac.namespacedRole().getRules()));
    assertThat(bindings)
        .allSatisfy(
            b -> {
              assertThat(b.getRoleRef().getKind()).isEqualTo("Role");
              assertThat(b.getSubjects())
                  .singleElement()
                  .satisfies(
                      s -> {
                        assertThat(s.getName()).isEqualTo(account);
                        assertThat(s.getNamespace()).isEqualTo(operatorNamespace);
                      });
            });
    ClusterRole cluster = first(objects, ClusterRole.class);
    assertThat(cluster.getRules()).isEqualTo(DeployRbac.namespacedClusterRole().getRules());
    assertThat(cluster.getRules())
        .flatExtracting(PolicyRule::getResources)
        .as("only what no Role can grant")
        .containsOnly("nodes");
    assertThat(first(objects, ClusterRoleBinding.class).getSubjects().get(0).getNamespace())
        .isEqualTo(operatorNamespace);
  }

  @Test
  void givenBothKustomizations_whenRendered_thenTheyDifferOnlyInRbacAndWatchedNamespaces()
      throws Exception {
    List<HasMetadata> clusterWide = render();
    Deployment namespaced = first(render("../deploy/namespaced"), Deployment.class);
    Deployment everywhere = first(clusterWide, Deployment.class);

    assertThat(watchNamespaces(everywhere)).as("all namespaces").isEmpty();
    namespaced
        .getSpec()
        .getTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .removeIf(e -> e.getName().equals(WATCH_NAMESPACES));
    assertThat(namespaced).isEqualTo(everywhere);
    assertThat(first(clusterWide, ClusterRole.class).getRules())
        .isEqualTo(DeployRbac.clusterRole().getRules());
  }

  private static final String WATCH_NAMESPACES = "QUORUMKEEPER_WATCH_NAMESPACES";

  private static List<String> watchNamespaces(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(WATCH_NAMESPACES))
        .flatMap(e -> Arrays.stream(e.getValue().split(",")))
        .toList();
  }

  private static <T extends HasMetadata> List<T> all(
      List<HasMetadata> objects, Class<T> kind, String name) {
    return objects.stream()
        .filter(kind::isInstance)
        .map(kind::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .toList();
  }

  @Test
  void givenMonitoringKit_whenRendered_thenOperatorIsScrapedAlertedAndCharted() throws Exception {
    List<HasMetadata> objects = render("../deploy/monitoring");

    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder("Service", "ServiceMonitor", "PrometheusRule", "ConfigMap");
    assertThat(objects)
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("quorum-keeper"));
    Service service = first(objects, Service.class);
    Deployment operator = first(render(), Deployment.class);
    assertThat(operator.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf(service.getSpec().getSelector());
    GenericKubernetesResource monitor = ofKind(objects, "ServiceMonitor");
    assertThat(service.getMetadata().getLabels())
        .containsAllEntriesOf(monitor.get("spec", "selector", "matchLabels"));
    assertThat(monitor.<String>get("spec", "endpoints", 0, "path")).isEqualTo("/q/metrics");
    assertThat(monitor.<String>get("spec", "endpoints", 0, "port"))
        .isEqualTo(service.getSpec().getPorts().get(0).getName());
    ConfigMap dashboard = first(objects, ConfigMap.class);
    assertThat(dashboard.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
    assertThat(dashboard.getData().get("grafana-dashboard.json"))
        .isEqualTo(Files.readString(Path.of("../deploy/monitoring/grafana-dashboard.json")));
  }

  @Test
  void givenNodesPodMonitor_whenRendered_thenItScrapesOneClustersAgentsWithItsToken()
      throws Exception {
    List<HasMetadata> objects = render("../deploy/monitoring/nodes");

    GenericKubernetesResource monitor = ofKind(objects, "PodMonitor");
    assertThat(monitor.<String>get("spec", "selector", "matchLabels", Labels.CLUSTER))
        .isEqualTo("orders");
    assertThat(monitor.<String>get("spec", "podMetricsEndpoints", 0, "port")).isEqualTo("agent");
    assertThat(monitor.<String>get("spec", "podMetricsEndpoints", 0, "bearerTokenSecret", "name"))
        .isEqualTo(SecretModel.name("orders"));
    assertThat(monitor.<String>get("spec", "podMetricsEndpoints", 0, "bearerTokenSecret", "key"))
        .isEqualTo(SecretModel.TOKEN_KEY);
  }

  private static List<HasMetadata> render() {
    return render("../deploy");
  }

  private static List<HasMetadata> render(String dir) {
    return Rendered.kustomize(dir);
  }

  private static GenericKubernetesResource ofKind(List<HasMetadata> objects, String kind) {
    return objects.stream()
        .filter(o -> kind.equals(o.getKind()))
        .map(GenericKubernetesResource.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static <T> T first(List<HasMetadata> objects, Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).findFirst().orElseThrow();
  }
}
