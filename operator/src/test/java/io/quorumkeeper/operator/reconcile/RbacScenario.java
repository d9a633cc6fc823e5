package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.CertificateAuthoritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.IssuerRefSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.NetworkPolicyModel;
import io.quorumkeeper.operator.model.SecretModel;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiCall;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster's life as RbacApiTest records it, meant to make every kind of call the operator ever
 * makes: create both topologies, report readiness, refuse a spec, heal (a voter's pod stranded past
 * the grace period is deleted), roll (a pod evicted), restart, and read back and label owned
 * objects of every kind that lost their managed-by label.
 */
final class RbacScenario {

  /**
   * One object of each owned kind of the cluster {@code orders} but its ConfigMap (named by
   * content).
   */
  private static final Map<Class<? extends HasMetadata>, String> ORDERS_OWNED =
      Map.of(
          Service.class, "orders-node",
          PodDisruptionBudget.class, "orders-node",
          StatefulSet.class, "orders-node",
          Secret.class, SecretModel.name("orders"),
          NetworkPolicy.class, NetworkPolicyModel.name("orders"));

  private RbacScenario() {}

  /** Every call the operator made through the scenario. */
  static List<ApiCall> record(ApiHarness api) {
    QuorumScript orders = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(Path.of("../examples/combined.yaml"));
    api.create(Path.of("../examples/separated.yaml"));
    await()
        .ignoreExceptions()
        .until(() -> api.get("orders").getStatus().getQuorum().getFaultTolerance() == 1);
    await().until(() -> get(api, StatefulSet.class, "payments-broker") != null);

    StatefulSet sts = get(api, StatefulSet.class, "payments-broker");
    sts.setStatus(new StatefulSetStatusBuilder().withReadyReplicas(3).build());
    api.client().resource(sts).updateStatus();
    api.edit("payments", cr -> cr.getSpec().getKafka().getConfig().put("node.id", "1"));
    await()
        .untilAsserted(
            () ->
                assertThat(
                        QuorumClusterReconcilerApiTest.condition(
                            api.get("payments"), Conditions.SPEC_INVALID))
                    .isEqualTo("True"));

    strandVoterPod(api, orders);
    rollOnePod(api);
    newConfig(api);
    certManagerCa(api);

    List<ApiCall> calls = new ArrayList<>();
    api.stopOperator();
    calls.addAll(api.drainOperatorCalls());
    Map<Class<? extends HasMetadata>, String> owned = new java.util.HashMap<>(ORDERS_OWNED);
    owned.put(ConfigMap.class, api.poolConfigMap("orders-node").getMetadata().getName());
    owned.forEach((kind, name) -> unlabel(api, get(api, kind, name)));
    api.startOperator();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                owned.forEach(
                    (kind, name) ->
                        assertThat(get(api, kind, name).getMetadata().getLabels())
                            .as("%s %s labelled again", kind.getSimpleName(), name)
                            .containsEntry(Labels.MANAGED_BY, Labels.OPERATOR_NAME)));
    api.awaitReconciled("payments");
    calls.addAll(api.drainOperatorCalls());
    return calls;
  }

  /**
   * A cluster whose CA comes from a cert-manager issuer: its Certificate is read, created, and
   * updated when the issuer changes.
   */
  private static void certManagerCa(ApiHarness api) {
    QuorumCluster ledger = api.read(Path.of("../examples/combined.yaml"));
    ledger.getMetadata().setName("ledger");
    SecuritySpec security = new SecuritySpec();
    security.setCertificateAuthority(
        new CertificateAuthoritySpec(null, new IssuerRefSpec("corp-issuer", "Issuer", null)));
    ledger.getSpec().setSecurity(security);
    api.client().resource(ledger).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> issuerOf(api, "ledger-ca") != null);
    api.edit(
        "ledger",
        cr -> cr.getSpec().getSecurity().getCertificateAuthority().getIssuerRef().setName("other"));
    await().atMost(Duration.ofSeconds(20)).until(() -> "other".equals(issuerOf(api, "ledger-ca")));
  }

  @SuppressWarnings("unchecked")
  private static String issuerOf(ApiHarness api, String certificate) {
    GenericKubernetesResource found =
        api.client()
            .genericKubernetesResources(CertManagerCa.CERTIFICATES)
            .inNamespace(NAMESPACE)
            .withName(certificate)
            .get();
    if (found == null) {
      return null;
    }
    Map<String, Object> spec = (Map<String, Object>) found.getAdditionalProperties().get("spec");
    return (String) ((Map<String, Object>) spec.get("issuerRef")).get("name");
  }

  /**
   * A config change on {@code payments}, which runs no pod: its old server.properties ConfigMaps,
   * mounted by nothing, are deleted.
   */
  private static void newConfig(ApiHarness api) {
    api.edit(
        "payments",
        cr -> {
          cr.getSpec().getKafka().getConfig().remove("node.id");
          cr.getSpec().getKafka().getConfig().put("num.partitions", "9");
        });
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.client().configMaps().inNamespace(NAMESPACE).list().getItems().stream()
                            .filter(
                                m -> m.getMetadata().getName().startsWith("payments-broker-config"))
                            .count()
                        == 1
                    && api.poolConfigMap("payments-broker")
                        .getData()
                        .get("server.properties")
                        .contains("num.partitions=9"));
  }

  /** A config change of a cluster whose pods run: the roll evicts its first pod. */
  private static void rollOnePod(ApiHarness api) {
    QuorumScript audit = api.quorum().script(NAMESPACE + "/audit", 3);
    audit.partitions = List::of;
    QuorumCluster cr = api.read(Path.of("../examples/combined.yaml"));
    cr.getMetadata().setName("audit");
    api.client().resource(cr).create();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> get(api, StatefulSet.class, "audit-node") != null);
    for (int id = 0; id < 3; id++) {
      api.createPodFromTemplate("audit-node", "audit-node-" + id, "audit");
      api.podReady("audit-node-" + id);
    }
    api.edit("audit", c -> c.getSpec().getKafka().getConfig().put("num.partitions", "12"));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                    .anyMatch(
                        e ->
                            "RollingRestart".equals(e.getReason())
                                && "audit".equals(e.getInvolvedObject().getName())));
  }

  /** A finalizer keeps the deleted pod Terminating, as a kubelet on a dead node would. */
  private static void strandVoterPod(ApiHarness api, QuorumScript orders) {
    api.client()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("orders-node-1")
                .withNamespace(NAMESPACE)
                .addToLabels(Labels.CLUSTER, "orders")
                .addToFinalizers("test.quorumkeeper.io/stuck")
                .endMetadata()
                .withNewSpec()
                .withNodeName("node-b") // its node is read (Ready, zone): a cluster-wide watch
                .endSpec()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
    api.client().pods().inNamespace(NAMESPACE).withName("orders-node-1").delete();
    orders.dead(1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
                    .anyMatch(e -> "StrandedPodDeleted".equals(e.getReason())));
  }

  private static <R extends HasMetadata> R get(ApiHarness api, Class<R> kind, String name) {
    return api.client().resources(kind).inNamespace(NAMESPACE).withName(name).get();
  }

  private static void unlabel(ApiHarness api, HasMetadata object) {
    object.getMetadata().getLabels().remove(Labels.MANAGED_BY);
    api.client().resource(object).update();
  }
}
