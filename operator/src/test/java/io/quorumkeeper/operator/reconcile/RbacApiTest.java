package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiCall;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.DeployRbac;
import io.quorumkeeper.operator.testing.OperatorReplicas;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Records every API call the operator makes through a cluster's life (create both topologies,
 * scale, reject a spec, report readiness, restart) and checks each against the ClusterRole in
 * deploy/rbac.yaml, so the RBAC users install is exactly enough; and the leader election of two
 * replicas against the Role there.
 */
class RbacApiTest {

  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)(?:/namespaces/(?<namespace>[^/]+))?/(?<resource>[^/?]+)"
              + "(?:/(?<name>[^/?]+))?(?:/(?<sub>[^/?]+))?(?:\\?(?<query>.*))?$");

  /**
   * Every authenticated user may create one (Kubernetes' default ClusterRole system:basic-user);
   * JOSDK creates one before it campaigns for the Lease, to fail early without lease rights.
   */
  private static final Access RULES_REVIEW =
      new Access("create", "authorization.k8s.io", "selfsubjectrulesreviews", null, null);

  /** One request in RBAC's terms; namespace and name only where the request has them. */
  record Access(String verb, String group, String resource, String namespace, String name) {

    /** The same request without its object: what a rule without resourceNames decides on. */
    Access kind() {
      return new Access(verb, group, resource, null, null);
    }
  }

  @Test
  void givenClusterLifecycle_thenEveryOperatorCallIsGrantedByDeployRbac() throws IOException {
    List<ApiCall> calls = new ArrayList<>();
    try (ApiHarness api = ApiHarness.start()) {
      api.create(Path.of("../examples/combined.yaml"));
      api.create(Path.of("../examples/separated.yaml"));
      await()
          .until(
              () ->
                  statefulSet(api, "payments-broker") != null
                      && statefulSet(api, "orders-node") != null);
      api.client()
          .resources(QuorumCluster.class)
          .inNamespace(NAMESPACE)
          .withName("orders")
          .edit(
              cr -> {
                cr.getSpec().getControllers().setReplicas(4);
                cr.getSpec().getKafka().getConfig().put("node.id", "1");
                return cr;
              });
      StatefulSet sts = statefulSet(api, "payments-broker");
      sts.setStatus(new StatefulSetStatusBuilder().withReadyReplicas(3).build());
      api.client().resource(sts).updateStatus();
      await()
          .untilAsserted(
              () ->
                  assertThat(
                          QuorumClusterReconcilerApiTest.condition(
                              api.get("orders"), Conditions.SPEC_INVALID))
                      .isEqualTo("True"));
      api.stopOperator();
      calls.addAll(api.drainOperatorCalls());
      api.startOperator();
      api.awaitReconciled("payments");
      calls.addAll(api.drainOperatorCalls());
    }
    List<PolicyRule> rules = DeployRbac.clusterRole().getRules();

    List<Access> accesses =
        calls.stream().map(RbacApiTest::access).map(Access::kind).distinct().toList();

    assertThat(accesses).as("the operator made calls").isNotEmpty();
    assertThat(accesses)
        .allSatisfy(
            a ->
                assertThat(rules.stream().anyMatch(r -> grants(r, a)))
                    .as("deploy/rbac.yaml grants %s", a)
                    .isTrue());
    assertThat(accesses).extracting(Access::verb).contains("watch", "create", "update");
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
    List<Access> accesses =
        calls.stream()
            .filter(c -> c.userAgent().startsWith(ApiHarness.OPERATOR_AGENT))
            .map(RbacApiTest::access)
            .distinct()
            .toList();
    List<PolicyRule> cluster = DeployRbac.clusterRole().getRules();
    List<PolicyRule> role = DeployRbac.role().getRules();

    assertThat(accesses)
        .allSatisfy(
            a ->
                assertThat(
                        a.kind().equals(RULES_REVIEW)
                            || cluster.stream().anyMatch(r -> grants(r, a.kind()))
                            || (DeployRbac.OPERATOR_NAMESPACE.equals(a.namespace())
                                && role.stream().anyMatch(r -> grants(r, a))))
                    .as("deploy/rbac.yaml grants %s", a)
                    .isTrue());
    assertThat(accesses)
        .filteredOn(a -> a.resource().equals("leases"))
        .extracting(Access::verb)
        .as("update: JOSDK's start-up check asks for it, though Fabric8 renews by patch")
        .containsExactlyInAnyOrderElementsOf(
            role.stream()
                .flatMap(r -> r.getVerbs().stream())
                .filter(v -> !v.equals("update"))
                .distinct()
                .toList());
  }

  @Test
  void givenDeployRbac_thenItGrantsNoWildcardsAndDeletesOnlyPods() {
    List<PolicyRule> all = DeployRbac.operatorNamespaceRules();
    for (PolicyRule rule : all) {
      assertThat(rule.getVerbs()).doesNotContain("*", "deletecollection", "escalate", "bind");
      if (rule.getVerbs().contains("delete")) {
        assertThat(rule.getResources())
            .as("only stranded pods are ever deleted")
            .containsExactly("pods");
      }
      assertThat(rule.getResources()).doesNotContain("*");
      assertThat(rule.getApiGroups()).doesNotContain("*");
    }
  }

  static Access access(ApiCall call) {
    Matcher m = PATH.matcher(call.path());
    assertThat(m.matches()).as("an API path: %s", call.path()).isTrue();
    String group = m.group("group") == null ? "" : m.group("group");
    String resource = m.group("resource") + (m.group("sub") == null ? "" : "/" + m.group("sub"));
    String name = m.group("name");
    boolean named = name != null;
    boolean watch = m.group("query") != null && m.group("query").contains("watch=true");
    String verb =
        switch (call.method()) {
          case "GET" -> watch ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> call.method();
        };
    return new Access(verb, group, resource, m.group("namespace"), name);
  }

  /** As RBAC decides: a rule with resourceNames grants only requests naming one of them. */
  private static boolean grants(PolicyRule rule, Access access) {
    List<String> names = rule.getResourceNames();
    return rule.getApiGroups().contains(access.group())
        && rule.getResources().contains(access.resource())
        && rule.getVerbs().contains(access.verb())
        && (names == null || names.isEmpty() || names.contains(access.name()));
  }

  private static StatefulSet statefulSet(ApiHarness api, String name) {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
  }
}
