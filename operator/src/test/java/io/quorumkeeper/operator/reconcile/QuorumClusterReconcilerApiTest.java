package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiCall;
import io.quorumkeeper.operator.testing.ApiHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class QuorumClusterReconcilerApiTest {

  static final Path COMBINED = Path.of("../examples/combined.yaml");
  static final Path SEPARATED = Path.of("../examples/separated.yaml");
  static final List<Class<? extends HasMetadata>> OWNED =
      List.of(
          ConfigMap.class,
          Service.class,
          StatefulSet.class,
          PodDisruptionBudget.class,
          Secret.class);

  ApiHarness api;
  KubernetesClient client;

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    client = api.client();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenCombinedExample_whenCreated_thenEveryObjectExistsOwnedByTheCluster() {
    QuorumCluster cr = api.create(COMBINED);

    // a new cluster runs TLS: its CA and certificates Secrets too (docs/security.md), and its
    // default client listener's user (ADR 015)
    await().untilAsserted(() -> assertThat(owned(cr.getMetadata().getUid())).hasSize(10));
    assertThat(names(StatefulSet.class)).containsExactly("orders-node");
    assertThat(names(Service.class)).containsExactlyInAnyOrder("orders-node", "orders-bootstrap");
    assertThat(names(ConfigMap.class))
        .containsExactlyInAnyOrder(
            api.poolConfigMap("orders-node").getMetadata().getName(), "orders-node-bootstrap");
    assertThat(api.poolConfigMap("orders-node").getMetadata().getName())
        .matches("orders-node-config-[0-9a-f]{10}");
    assertThat(names(PodDisruptionBudget.class)).containsExactly("orders-node");
    assertThat(names(Secret.class))
        .containsExactlyInAnyOrder(
            "orders-agent-token", "orders-ca", "orders-tls", "orders-clients-user");
    for (HasMetadata object : owned(cr.getMetadata().getUid())) {
      OwnerReference owner = object.getMetadata().getOwnerReferences().get(0);
      assertThat(owner.getKind()).isEqualTo("QuorumCluster");
      assertThat(owner.getController()).isTrue();
      assertThat(owner.getBlockOwnerDeletion()).isTrue();
    }
    await()
        .untilAsserted(
            () -> {
              QuorumCluster current = api.get("orders");
              assertThat(current.getStatus().getClusterId()).hasSize(22);
              assertThat(current.getStatus().getObservedGeneration()).isEqualTo(1L);
              assertThat(current.getStatus().getBootstrap().getInitialVoters()).hasSize(3);
              assertThat(condition(current, Conditions.READY)).isEqualTo("False");
              assertThat(condition(current, Conditions.SPEC_INVALID)).isEqualTo("False");
            });
  }

  @Test
  void givenSeparatedExample_whenCreated_thenControllerAndBrokerPoolsExist() {
    api.create(SEPARATED);

    await()
        .untilAsserted(
            () ->
                assertThat(names(StatefulSet.class))
                    .containsExactlyInAnyOrder("payments-controller", "payments-broker"));
    assertThat(statefulSet("payments-controller").getSpec().getReplicas()).isEqualTo(3);
    assertThat(statefulSet("payments-broker").getSpec().getReplicas()).isEqualTo(3);
    assertThat(names(PodDisruptionBudget.class))
        .containsExactlyInAnyOrder("payments-controller", "payments-broker");
    assertThat(names(ConfigMap.class))
        .hasSize(4)
        .contains("payments-controller-bootstrap", "payments-broker-bootstrap")
        .anyMatch(name -> name.matches("payments-controller-config-[0-9a-f]{10}"))
        .anyMatch(name -> name.matches("payments-broker-config-[0-9a-f]{10}"));
  }

  @Test
  void givenRunningCluster_whenReplicasRaised_thenStatefulSetScalesWithoutARollOrANewConfigMap() {
    api.create(COMBINED);
    await().until(() -> statefulSet("orders-node") != null);
    await().until(() -> api.get("orders").getStatus() != null);
    String hashBefore = configHash(statefulSet("orders-node"));
    String mapBefore = api.poolConfigMap("orders-node").getMetadata().getName();
    String clusterId = api.get("orders").getStatus().getClusterId();

    edit(cr -> cr.getSpec().getControllers().setReplicas(4));

    await()
        .untilAsserted(
            () -> assertThat(statefulSet("orders-node").getSpec().getReplicas()).isEqualTo(4));
    // a fourth pod would join the bootstrap servers, but that list is only for discovery: the hash
    // on the pod template stays, so growing the pool restarts none of the running nodes, and the
    // immutable ConfigMap of that hash keeps the list it was created with (pod 0 is in every list)
    assertThat(configHash(statefulSet("orders-node"))).isEqualTo(hashBefore);
    assertThat(api.poolConfigMap("orders-node").getMetadata().getName()).isEqualTo(mapBefore);
    assertThat(api.poolConfigMap("orders-node").getData().get("server.properties"))
        .contains("orders-node-0.orders-node.kafka.svc:9093")
        .doesNotContain("orders-node-3.orders-node.kafka.svc:9093");
    assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId);
    // the update replaced the pod template, it did not append to its lists
    assertThat(statefulSet("orders-node").getSpec().getTemplate().getSpec().getContainers())
        .hasSize(1);
    assertThat(statefulSet("orders-node").getSpec().getTemplate().getSpec().getVolumes())
        .hasSize(4); // config, agent-token, tmp, tls
  }

  @Test
  void givenPausedCluster_whenSpecChanges_thenNothingIsWrittenButStatusSaysPaused() {
    api.create(COMBINED);
    await().until(() -> statefulSet("orders-node") != null);

    edit(
        cr -> {
          cr.getMetadata().getAnnotations().put(QuorumCluster.PAUSED_ANNOTATION, "true");
          cr.getSpec().getControllers().setReplicas(5);
        });

    await()
        .untilAsserted(
            () -> assertThat(condition(api.get("orders"), Conditions.PAUSED)).isEqualTo("True"));
    assertThat(statefulSet("orders-node").getSpec().getReplicas()).isEqualTo(3);

    edit(cr -> cr.getMetadata().getAnnotations().remove(QuorumCluster.PAUSED_ANNOTATION));

    await()
        .untilAsserted(
            () -> assertThat(statefulSet("orders-node").getSpec().getReplicas()).isEqualTo(5));
    // status is written after the objects, in the same pass
    await()
        .untilAsserted(
            () -> assertThat(condition(api.get("orders"), Conditions.PAUSED)).isEqualTo("False"));
  }

  @Test
  void givenInvalidSpec_whenApplied_thenSpecInvalidConditionAndEventAndObjectsUntouched() {
    api.create(COMBINED);
    await().until(() -> statefulSet("orders-node") != null);
    await().until(() -> condition(api.get("orders"), Conditions.SPEC_INVALID) != null);
    String stsVersion = statefulSet("orders-node").getMetadata().getResourceVersion();
    String cmName = api.poolConfigMap("orders-node").getMetadata().getName();
    String cmVersion = configMap(cmName).getMetadata().getResourceVersion();

    edit(
        cr -> {
          cr.getSpec().getKafka().getConfig().put("node.id", "7");
          cr.getSpec().getControllers().setReplicas(5);
        });

    await()
        .untilAsserted(
            () -> {
              QuorumCluster current = api.get("orders");
              assertThat(condition(current, Conditions.SPEC_INVALID)).isEqualTo("True");
              assertThat(message(current, Conditions.SPEC_INVALID)).contains("node.id");
            });
    await()
        .untilAsserted(
            () ->
                assertThat(events())
                    .anySatisfy(
                        e -> {
                          assertThat(e.getReason()).isEqualTo("SpecInvalid");
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getMessage()).contains("node.id");
                        }));
    assertThat(statefulSet("orders-node").getMetadata().getResourceVersion()).isEqualTo(stsVersion);
    assertThat(statefulSet("orders-node").getSpec().getReplicas()).isEqualTo(3);
    assertThat(api.poolConfigMap("orders-node").getMetadata().getName()).isEqualTo(cmName);
    assertThat(configMap(cmName).getMetadata().getResourceVersion()).isEqualTo(cmVersion);
  }

  @Test
  void givenUnsupportedVersion_whenApplied_thenSpecInvalidNamesTheSupportedOnes() {
    api.create(COMBINED);
    await().until(() -> statefulSet("orders-node") != null);

    edit(cr -> cr.getSpec().getKafka().setVersion("3.7.0"));

    await()
        .untilAsserted(
            () ->
                assertThat(message(api.get("orders"), Conditions.SPEC_INVALID))
                    .contains("3.7.0 is not supported")
                    .contains("4.4.0"));
    assertThat(
            statefulSet("orders-node")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .endsWith(":4.4.0");
  }

  @Test
  void givenPodsBecomeReady_whenStatefulSetReportsThem_thenClusterIsReady() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    await().until(() -> statefulSet("orders-node") != null);

    api.statefulSetRolledOut("orders-node", 3);

    await()
        .untilAsserted(
            () -> {
              QuorumCluster current = api.get("orders");
              assertThat(condition(current, Conditions.READY)).isEqualTo("True");
              assertThat(message(current, Conditions.READY)).isEqualTo("3/3 node pods ready");
            });
  }

  @Test
  void givenCluster_whenDeleted_thenGarbageCollectionLeavesNothingOwned() {
    QuorumCluster cr = api.create(COMBINED);
    String uid = cr.getMetadata().getUid();
    await().untilAsserted(() -> assertThat(owned(uid)).hasSize(10));

    client.resource(cr).delete();
    await().until(() -> api.get("orders") == null);

    // Kubernetes' garbage collector runs on; a pass already under way at the deletion may write
    // once more, but nothing may come back after that.
    await()
        .untilAsserted(
            () -> {
              api.collectGarbageOf(uid, OWNED);
              assertThat(owned(uid)).isEmpty();
            });
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(owned(uid)).isEmpty());
  }

  @Test
  void givenConvergedCluster_whenOperatorRestarts_thenItWritesNothing() {
    api.create(COMBINED);
    await()
        .untilAsserted(
            () -> assertThat(condition(api.get("orders"), Conditions.READY)).isNotNull());
    // converged: the status has stopped changing (the first observations still fill it in)
    java.util.concurrent.atomic.AtomicReference<Object> last =
        new java.util.concurrent.atomic.AtomicReference<>();
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                java.util.Objects.equals(
                    last.getAndSet(api.get("orders").getStatus()), last.get()));
    QuorumCluster before = api.get("orders");
    Map<String, String> versions = resourceVersions();

    api.stopOperator();
    api.drainCalls();
    api.startOperator();
    api.awaitReconciled("orders");

    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(10))
        .until(() -> api.drainOperatorCalls().stream().noneMatch(ApiCall::isWrite));
    assertThat(resourceVersions()).isEqualTo(versions);
    assertThat(api.get("orders").getStatus()).isEqualTo(before.getStatus());
  }

  // ---- helpers

  private void edit(java.util.function.Consumer<QuorumCluster> change) {
    api.edit("orders", change);
  }

  private List<HasMetadata> owned(String uid) {
    return OWNED.stream()
        .flatMap(kind -> client.resources(kind).inNamespace(NAMESPACE).list().getItems().stream())
        .filter(
            o ->
                o.getMetadata().getOwnerReferences().stream().anyMatch(r -> uid.equals(r.getUid())))
        .map(HasMetadata.class::cast)
        .toList();
  }

  private Map<String, String> resourceVersions() {
    return OWNED.stream()
        .flatMap(kind -> client.resources(kind).inNamespace(NAMESPACE).list().getItems().stream())
        .collect(
            java.util.stream.Collectors.toMap(
                o -> o.getKind() + "/" + o.getMetadata().getName(),
                o -> o.getMetadata().getResourceVersion()));
  }

  private List<String> names(Class<? extends HasMetadata> kind) {
    return client.resources(kind).inNamespace(NAMESPACE).list().getItems().stream()
        .map(o -> o.getMetadata().getName())
        .toList();
  }

  private StatefulSet statefulSet(String name) {
    return client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
  }

  private ConfigMap configMap(String name) {
    return client.configMaps().inNamespace(NAMESPACE).withName(name).get();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems();
  }

  private static String configHash(StatefulSet sts) {
    return sts.getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get("quorumkeeper.io/config-hash");
  }

  static String condition(QuorumCluster cr, String type) {
    return cr.getStatus() == null
        ? null
        : Conditions.find(cr.getStatus().getConditions(), type)
            .map(c -> c.getStatus())
            .orElse(null);
  }

  static String reason(QuorumCluster cr, String type) {
    return cr.getStatus() == null
        ? null
        : Conditions.find(cr.getStatus().getConditions(), type)
            .map(c -> c.getReason())
            .orElse(null);
  }

  static String message(QuorumCluster cr, String type) {
    return cr.getStatus() == null
        ? null
        : Conditions.find(cr.getStatus().getConditions(), type)
            .map(c -> c.getMessage())
            .orElse(null);
  }
}
