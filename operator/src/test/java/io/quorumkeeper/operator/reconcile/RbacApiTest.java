package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiCall;
import io.quorumkeeper.operator.testing.ApiHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Records every API call the operator makes through a cluster's life (create both topologies,
 * scale, reject a spec, report readiness, restart) and checks each against the ClusterRole in
 * deploy/rbac.yaml, so the RBAC users install is exactly enough.
 */
class RbacApiTest {

  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)(?:/namespaces/[^/]+)?/(?<resource>[^/?]+)"
              + "(?:/(?<name>[^/?]+))?(?:/(?<sub>[^/?]+))?(?:\\?(?<query>.*))?$");

  /** One request in RBAC's terms. */
  record Access(String verb, String group, String resource) {}

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
    List<PolicyRule> rules = clusterRole().getRules();

    List<Access> accesses = calls.stream().map(RbacApiTest::access).distinct().toList();

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
  void givenDeployRbac_thenItGrantsNoWildcardsAndDeletesOnlyPods() throws IOException {
    for (PolicyRule rule : clusterRole().getRules()) {
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
    boolean named = m.group("name") != null;
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
    return new Access(verb, group, resource);
  }

  private static boolean grants(PolicyRule rule, Access access) {
    return rule.getApiGroups().contains(access.group())
        && rule.getResources().contains(access.resource())
        && rule.getVerbs().contains(access.verb());
  }

  private static ClusterRole clusterRole() throws IOException {
    String text = Files.readString(Path.of("../deploy/rbac.yaml"));
    return Arrays.stream(text.split("(?m)^---$"))
        .map(doc -> Serialization.unmarshal(doc, HasMetadata.class))
        .filter(ClusterRole.class::isInstance)
        .map(ClusterRole.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static StatefulSet statefulSet(ApiHarness api, String name) {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
  }
}
