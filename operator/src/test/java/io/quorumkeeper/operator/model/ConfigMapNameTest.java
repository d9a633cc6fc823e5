package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A pool's ConfigMap is named by its content and immutable, and the pod template names exactly that
 * one: a container restarted outside the roll reads the config of its pod's template.
 */
class ConfigMapNameTest {

  @ParameterizedTest
  @ValueSource(strings = {"combined", "separated"})
  void givenExample_whenRendered_thenEachTemplateMountsItsPoolsImmutableHashNamedConfigMap(
      String example) {
    QuorumCluster cr = Examples.load(example + ".yaml");

    ClusterModel model = ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS);

    for (int i = 0; i < model.pools().size(); i++) {
      Pool pool = model.pools().get(i);
      ConfigMap server = model.configMaps().get(2 * i);
      ConfigMap bootstrap = model.configMaps().get(2 * i + 1);
      String configHash = ClusterModelTest.podTemplateAnnotation(model, i, Labels.CONFIG_HASH);
      assertThat(server.getMetadata().getName())
          .isEqualTo(pool.name() + "-config-" + configHash.substring(0, 10))
          .matches(pool.name() + "-config-[0-9a-f]{10}");
      assertThat(server.getImmutable()).isTrue();
      assertThat(server.getData()).containsOnlyKeys(ConfigMapModel.SERVER_PROPERTIES);
      assertThat(bootstrap.getMetadata().getName()).isEqualTo(pool.name() + "-bootstrap");
      assertThat(bootstrap.getImmutable()).as("cluster.formed reaches every pod").isNull();
      assertThat(bootstrap.getData()).containsOnlyKeys(ConfigMapModel.BOOTSTRAP_PROPERTIES);
      assertThat(configMapsOf(model.statefulSets().get(i)))
          .containsExactly(server.getMetadata().getName(), bootstrap.getMetadata().getName());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"num.io.threads", "num.partitions"})
  void givenAConfigChange_thenTheConfigMapIsANewOneAndThePodsRoll(String key) {
    QuorumCluster cr = Examples.load("combined.yaml");
    ClusterModel before = ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS);
    Map<String, String> config = new HashMap<>(cr.getSpec().getKafka().getConfig());
    config.put(key, "7");
    cr.getSpec().getKafka().setConfig(config);

    ClusterModel after = ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS);

    assertThat(name(after)).isNotEqualTo(name(before));
    assertThat(configMapsOf(after.statefulSets().get(0))).startsWith(name(after));
    assertThat(templateHash(after)).isNotEqualTo(templateHash(before));
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void givenTheQuorumForms_thenEveryPodSeesTheFlagAndNoPodRolls(boolean tls) {
    QuorumCluster cr = Examples.load("combined.yaml");
    ClusterIdentity forming = tls ? Examples.tlsIdentity(cr) : Examples.identity(cr);
    ClusterIdentity formed =
        new ClusterIdentity(
            forming.clusterId(),
            forming.initialVoters(),
            true,
            forming.transport(),
            forming.clients());

    ClusterModel before = ClusterModel.from(cr, forming, Examples.SETTINGS, 0, "0.0");
    ClusterModel after = ClusterModel.from(cr, formed, Examples.SETTINGS, 0, "0.0");

    // the flag is in the mutable bootstrap ConfigMap, which every pod mounts, rolled or not
    assertThat(name(after)).isEqualTo(name(before));
    assertThat(templateHash(after)).isEqualTo(templateHash(before));
    assertThat(after.configMaps().get(1).getData().get(ConfigMapModel.BOOTSTRAP_PROPERTIES))
        .contains("cluster.formed=true");
    assertThat(after.configMaps().get(1).getMetadata().getName())
        .isEqualTo(before.configMaps().get(1).getMetadata().getName());
  }

  @org.junit.jupiter.api.Test
  void givenMoreControllers_thenTheConfigMapKeepsItsNameAndNoPodRolls() {
    QuorumCluster cr = Examples.load("combined.yaml");
    ClusterModel before = ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS);
    cr.getSpec().getControllers().setReplicas(5);

    ClusterModel after = ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS);

    // the controller list differs, but it is discovery only: the existing ConfigMap is kept
    assertThat(server(after)).isNotEqualTo(server(before));
    assertThat(name(after)).isEqualTo(name(before));
    assertThat(templateHash(after)).isEqualTo(templateHash(before));
  }

  private static String name(ClusterModel model) {
    return model.configMaps().get(0).getMetadata().getName();
  }

  private static String templateHash(ClusterModel model) {
    return ClusterModelTest.podTemplateAnnotation(model, Labels.TEMPLATE_HASH);
  }

  private static String server(ClusterModel model) {
    return model.configMaps().get(0).getData().get(ConfigMapModel.SERVER_PROPERTIES);
  }

  private static java.util.List<String> configMapsOf(StatefulSet set) {
    return StatefulSetModel.configMapsOf(set.getSpec().getTemplate().getSpec());
  }
}
