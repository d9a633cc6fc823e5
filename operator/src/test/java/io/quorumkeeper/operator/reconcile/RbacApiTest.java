package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.testing.ApiAccess;
import io.quorumkeeper.operator.testing.ApiCall;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.DeployRbac;
import io.quorumkeeper.operator.testing.OperatorReplicas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * RBAC in both directions, for both installs: every API call the operator makes through a cluster's
 * life (RbacScenario: healing and restarts included) is granted, and every grant in the role files
 * is used by some recorded call, so the RBAC users install is exactly enough. The namespace-scoped
 * install's calls stay in its watched namespaces, but for Nodes. And the leader election of two
 * replicas against the Role for the Lease.
 */
class RbacApiTest {

  /**
   * Every authenticated user may create one (Kubernetes' default ClusterRole system:basic-user);
   * JOSDK creates one before it campaigns for the Lease, to fail early without lease rights.
   */
  private static final ApiAccess RULES_REVIEW =
      new ApiAccess("create", "authorization.k8s.io", "selfsubjectrulesreviews", null, null);

  /**
   * Grants a recorded call cannot use, each with its reason. Empty: every grant of the roles for
   * QuorumClusters is reached by RbacScenario (the Lease's Role is checked by the leader test).
   */
  private static final Set<ApiAccess> UNREACHED = Set.of();

  /** A namespace the namespaced install does not watch, where a cluster is left alone. */
  private static final String UNWATCHED = "elsewhere";

  @Test
  void givenClusterLifecycle_whenInstalledClusterWide_thenEveryCallIsGrantedAndEveryGrantUsed() {
    List<ApiAccess> accesses;
    try (ApiHarness api = ApiHarness.start()) {
      accesses = accesses(RbacScenario.record(api));
    }
    List<PolicyRule> rules = DeployRbac.clusterRole().getRules();

    assertThat(accesses)
        .allSatisfy(
            a ->
                assertThat(a.kind().grantedByAny(rules))
                    .as("deploy/rbac.yaml grants %s", a)
                    .isTrue());
    assertEveryGrantUsed("deploy/rbac.yaml", rules, accesses);
  }

  @Test
  void givenClusterLifecycle_whenInstalledNamespaced_thenCallsStayInTheWatchedNamespaces() {
    Set<String> watched = DeployRbac.watchedNamespaces();
    assertThat(watched).contains(NAMESPACE).doesNotContain(UNWATCHED);
    List<ApiAccess> accesses;
    try (ApiHarness api = ApiHarness.watching(watched)) {
      QuorumCluster outside = api.read(Path.of("../examples/combined.yaml"));
      outside.getMetadata().setNamespace(UNWATCHED);
      api.client().resource(outside).create();
      accesses = accesses(RbacScenario.record(api));
      assertThat(api.client().apps().statefulSets().inNamespace(UNWATCHED).list().getItems())
          .as("a cluster in a namespace not watched is not reconciled")
          .isEmpty();
    }
    List<PolicyRule> role = DeployRbac.namespacedRole().getRules();
    List<PolicyRule> cluster = DeployRbac.namespacedClusterRole().getRules();

    assertThat(accesses)
        .allSatisfy(
            a -> {
              if (a.namespace() == null) {
                assertThat(a.kind().grantedByAny(cluster))
                    .as("cluster-wide %s granted by deploy/namespaced/cluster-reader.yaml", a)
                    .isTrue();
              } else {
                assertThat(watched).as("namespace of %s", a).contains(a.namespace());
                assertThat(a.grantedByAny(role))
                    .as("deploy/namespaced/role/role.yaml grants %s", a)
                    .isTrue();
              }
            });
    assertThat(accesses)
        .filteredOn(a -> a.namespace() == null)
        .extracting(ApiAccess::resource)
        .containsOnly("nodes");
    assertEveryGrantUsed("deploy/namespaced/role/role.yaml", role, accesses);
    assertEveryGrantUsed("deploy/namespaced/cluster-reader.yaml", cluster, accesses);
  }

  @Test
  void givenBothInstalls_thenTheyGrantTheSameThings() {
    assertThat(grants(DeployRbac.clusterRole().getRules()))
        .as("deploy/rbac.yaml against deploy/namespaced/ (role and cluster-reader)")
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(
                    grants(DeployRbac.namespacedRole().getRules()).stream(),
                    grants(DeployRbac.namespacedClusterRole().getRules()).stream())
                .toList());
  }

  @Test
  void givenTwoReplicasElectingALeader_thenEveryCallIsGrantedAndTheRoleIsOnlyWhatTheLeaseNeeds() {
    List<ApiCall> calls = new ArrayList<>();
    try (OperatorReplicas api = OperatorReplicas.api()) {
      OperatorReplicas.Replica first = api.start("replica-a");
      await().until(() -> api.holder().equals(Optional.of("replica-a")));
      api.start("replica-b");
      await() // the leader renews: a merge patch of the Lease
          .until(
              () -> {
                calls.addAll(api.drainCalls());
                return calls.stream().anyMatch(c -> "PATCH".equals(c.method()));
              });
      first.stop();
      await().until(() -> api.holder().equals(Optional.of("replica-b")));
      calls.addAll(api.drainCalls());
    }
    List<ApiAccess> accesses =
        calls.stream()
            .filter(c -> c.userAgent().startsWith(ApiHarness.OPERATOR_AGENT))
            .map(ApiAccess::of)
            .distinct()
            .toList();
    List<PolicyRule> cluster = DeployRbac.clusterRole().getRules();
    List<PolicyRule> role = DeployRbac.role().getRules();

    assertThat(accesses)
        .allSatisfy(
            a ->
                assertThat(
                        a.kind().equals(RULES_REVIEW)
                            || a.kind().grantedByAny(cluster)
                            || (DeployRbac.OPERATOR_NAMESPACE.equals(a.namespace())
                                && a.grantedByAny(role)))
                    .as("deploy/ grants %s", a)
                    .isTrue());
    assertThat(accesses)
        .filteredOn(a -> a.resource().equals("leases"))
        .extracting(ApiAccess::verb)
        .as("update: JOSDK's start-up check asks for it, though Fabric8 renews by patch")
        .containsExactlyInAnyOrderElementsOf(
            role.stream()
                .flatMap(r -> r.getVerbs().stream())
                .filter(v -> !v.equals("update"))
                .distinct()
                .toList());
  }

  @Test
  void givenDeployRbac_thenItGrantsNoWildcardsAndDeletesOnlyPodsAndConfigMaps() {
    List<PolicyRule> all =
        Stream.of(
                DeployRbac.clusterRole().getRules(),
                DeployRbac.role().getRules(),
                DeployRbac.namespacedRole().getRules(),
                DeployRbac.namespacedClusterRole().getRules())
            .flatMap(List::stream)
            .toList();
    for (PolicyRule rule : all) {
      assertThat(rule.getVerbs()).doesNotContain("*", "deletecollection", "escalate", "bind");
      if (rule.getVerbs().contains("delete")) {
        assertThat(rule.getResources())
            .as(
                "only stranded pods, a roll's pod of a pool of one and ConfigMaps no pod mounts are"
                    + " ever deleted;"
                    + " each in a rule of its own")
            .containsAnyOf("pods", "configmaps")
            .hasSize(1);
      }
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
    }
  }

  private static List<ApiAccess> accesses(List<ApiCall> calls) {
    List<ApiAccess> accesses = calls.stream().map(ApiAccess::of).distinct().toList();
    assertThat(accesses).as("the operator made calls").isNotEmpty();
    return accesses;
  }

  /** Each (verb, group, resource) the rules grant, but what no test reaches, was called. */
  private static void assertEveryGrantUsed(
      String file, List<PolicyRule> rules, List<ApiAccess> accesses) {
    List<ApiAccess> used = accesses.stream().map(ApiAccess::kind).distinct().toList();
    assertThat(grants(rules))
        .filteredOn(g -> !UNREACHED.contains(g))
        .allSatisfy(
            g -> assertThat(used).as("%s grants %s, which no call used", file, g).contains(g));
  }

  private static List<ApiAccess> grants(List<PolicyRule> rules) {
    return rules.stream().flatMap(ApiAccess::grantsOf).distinct().toList();
  }
}
