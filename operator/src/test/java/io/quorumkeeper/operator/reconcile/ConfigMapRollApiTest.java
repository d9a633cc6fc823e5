package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapVolumeSourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.StatefulSetModel;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The config a pod reads belongs to its pod template (examples/combined.yaml against the mock API
 * and a scripted quorum; the test plays the StatefulSet controller and the kubelet): a config
 * change writes a new ConfigMap, the old one stays, unchanged, while a pod not yet rolled mounts it
 * (a container restart there reads it again), and goes once the roll has replaced every pod.
 */
class ConfigMapRollApiTest {

  static final String LEGACY = "orders-node-config";

  ApiHarness api;
  QuorumScript quorum;
  final Set<Integer> inSync = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    quorum.partitions =
        () -> List.of(new PartitionIsr("events-0", Set.of(0, 1, 2), Set.copyOf(inSync), 2));
    api.create(RollingApiTest.COMBINED);
    await().ignoreExceptions().until(() -> template() != null);
    for (int id = 0; id < 3; id++) {
      createPod(id);
      back(id);
    }
    await().until(() -> "UpToDate".equals(progressing()));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenAConfigChange_thenTheOldConfigMapStaysWhileAPodMountsIt_andGoesAfterTheRoll() {
    String old = configMapOf(pod(1));
    String oldServer = configMap(old).getData().get("server.properties");

    changeConfig();

    String fresh = awaitNewConfigMap();
    assertThat(fresh).isNotEqualTo(old).matches("orders-node-config-[0-9a-f]{10}");
    assertThat(configMap(fresh).getImmutable()).isTrue();
    assertThat(rollOnePod()).isEqualTo(2);
    assertThat(configMapOf(pod(2))).isEqualTo(fresh);
    // node-1, not rolled yet, would read this again on a container restart: the old config
    assertThat(configMapOf(pod(1))).isEqualTo(old);
    assertThat(configMap(old).getData().get("server.properties"))
        .isEqualTo(oldServer)
        .contains("num.partitions=6");
    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(configMap(old)).as("node-0 still mounts it").isNotNull();
    assertThat(rollOnePod()).isEqualTo(0);

    await().until(() -> "UpToDate".equals(progressing()));
    await().untilAsserted(() -> assertThat(poolConfigMaps()).containsExactly(fresh));
  }

  @Test
  void
      givenTheLegacyFixedNameConfigMapAndALostStatus_thenIdentityIsRecovered_andItGoesAfterTheRoll() {
    String clusterId = api.get("orders").getStatus().getClusterId();
    api.stopOperator();
    legacyCluster();

    api.startOperator();

    await()
        .untilAsserted(
            () -> assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId));
    await().until(() -> api.bootstrapProperties("orders-node") != null);
    assertThat(api.bootstrapProperties("orders-node")).contains("cluster.id=" + clusterId);
    String fresh = awaitNewConfigMap();
    // the new template (a projected volume) rolls the pods of the old operator, one at a time
    for (int i = 0; i < 3; i++) {
      assertThat(configMap(LEGACY)).as("a pod not rolled yet still mounts it").isNotNull();
      assertThat(configMap(LEGACY).getImmutable()).isNull();
      assertThat(configMapOf(pod(rollOnePod()))).isEqualTo(fresh);
    }
    await().untilAsserted(() -> assertThat(poolConfigMaps()).containsExactly(fresh));
  }

  /**
   * What an operator before hash-named ConfigMaps left, with status lost: one mutable {@code
   * orders-node-config} with both files that the template and every pod mount, and no cluster id in
   * status.
   */
  private void legacyCluster() {
    ConfigMap current = configMap(configMapOf(template().getSpec().getTemplate().getSpec()));
    Map<String, String> data = new HashMap<>(current.getData());
    data.put("bootstrap.properties", api.bootstrapProperties("orders-node"));
    api.client()
        .resource(
            new ConfigMapBuilder(current)
                .editMetadata()
                .withName(LEGACY)
                .withResourceVersion(null)
                .withUid(null)
                .endMetadata()
                .withImmutable(null)
                .withData(data)
                .build())
        .create();
    for (String name : poolConfigMaps()) {
      if (!name.equals(LEGACY)) {
        api.client().configMaps().inNamespace(NAMESPACE).withName(name).delete();
      }
    }
    api.client().configMaps().inNamespace(NAMESPACE).withName("orders-node-bootstrap").delete();
    StatefulSet set = template();
    legacy(set.getSpec().getTemplate().getSpec(), set.getSpec().getTemplate().getMetadata());
    api.client().resource(set).update();
    for (int id = 0; id < 3; id++) {
      Pod pod = pod(id);
      legacy(pod.getSpec(), pod.getMetadata());
      api.client().resource(pod).update();
    }
    api.client()
        .resources(QuorumCluster.class)
        .inNamespace(NAMESPACE)
        .withName("orders")
        .editStatus(
            cr -> {
              cr.setStatus(new QuorumClusterStatus());
              return cr;
            });
  }

  /** The legacy pod template: the one ConfigMap mounted as it is, its own template hash. */
  private static void legacy(PodSpec spec, ObjectMeta meta) {
    Volume config = StatefulSetModel.configVolume(spec);
    config.setProjected(null);
    config.setConfigMap(new ConfigMapVolumeSourceBuilder().withName(LEGACY).build());
    meta.getAnnotations().put(Labels.TEMPLATE_HASH, "0ld0perat0r0000");
  }

  /** The ConfigMap the StatefulSet's template names once it exists and no pod mounts it yet. */
  private String awaitNewConfigMap() {
    await()
        .until(
            () -> {
              String named = configMapOf(template().getSpec().getTemplate().getSpec());
              return configMap(named) != null
                  && api.client().pods().inNamespace(NAMESPACE).list().getItems().stream()
                      .noneMatch(p -> named.equals(configMapOf(p)));
            });
    return configMapOf(template().getSpec().getTemplate().getSpec());
  }

  /** Waits for the one pod the operator deletes, re-creates it and brings it back: its id. */
  private int rollOnePod() {
    await().atMost(Duration.ofSeconds(20)).until(() -> uids().size() == 2);
    int id = List.of(0, 1, 2).stream().filter(i -> !uids().containsKey(name(i))).findFirst().get();
    quorum.dead(id);
    inSync.remove(id);
    if (id == 0) {
      quorum.leader(2, 2); // the leader went last: a follower on the new template leads
    }
    createPod(id);
    back(id);
    return id;
  }

  private void back(int id) {
    api.podReady(name(id));
    quorum.alive(id);
    inSync.add(id);
  }

  /** A pod as the StatefulSet controller makes it: the current template. */
  private void createPod(int id) {
    api.createPodFromTemplate("orders-node", name(id), "orders");
  }

  private static String name(int id) {
    return "orders-node-" + id;
  }

  private Pod pod(int id) {
    return api.client().pods().inNamespace(NAMESPACE).withName(name(id)).get();
  }

  private static String configMapOf(Pod pod) {
    return configMapOf(pod.getSpec());
  }

  /** The server.properties ConfigMap a pod spec mounts (or the legacy one). */
  private static String configMapOf(PodSpec spec) {
    return StatefulSetModel.configMapsOf(spec).get(0);
  }

  private ConfigMap configMap(String name) {
    return api.client().configMaps().inNamespace(NAMESPACE).withName(name).get();
  }

  private List<String> poolConfigMaps() {
    return api.client().configMaps().inNamespace(NAMESPACE).list().getItems().stream()
        .map(map -> map.getMetadata().getName())
        .filter(name -> name.startsWith(LEGACY))
        .sorted()
        .toList();
  }

  private StatefulSet template() {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName("orders-node").get();
  }

  private Map<String, String> uids() {
    Map<String, String> uids = new HashMap<>();
    for (Pod p : api.client().pods().inNamespace(NAMESPACE).list().getItems()) {
      uids.put(p.getMetadata().getName(), p.getMetadata().getUid());
    }
    return uids;
  }

  private void changeConfig() {
    api.edit("orders", cr -> cr.getSpec().getKafka().getConfig().put("num.partitions", "12"));
  }

  private String progressing() {
    QuorumCluster cr = api.get("orders");
    return cr.getStatus() == null
        ? null
        : Conditions.find(cr.getStatus().getConditions(), Conditions.PROGRESSING)
            .map(c -> c.getReason())
            .orElse(null);
  }
}
