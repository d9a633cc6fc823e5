package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.ImagePullSecret;
import io.quorumkeeper.operator.api.v1alpha1.spec.PodTemplate;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders each example and compares every object, as a whole YAML document, with the reviewed copy
 * under src/test/resources/golden. After an intended change, regenerate them with {@code
 * -Dgolden.update=true} and review the diff.
 */
class ClusterModelTest {

  static final Path GOLDEN = Path.of("src/test/resources/golden");

  @ParameterizedTest
  @ValueSource(strings = {"combined", "separated", "combined-spare"})
  void givenExample_whenRendered_thenEveryObjectMatchesItsReviewedDocument(String example)
      throws IOException {
    QuorumCluster cr = Examples.load(example + ".yaml");

    ClusterModel model = ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS);

    assertMatchesGolden(model, example);
  }

  /**
   * Compares every object the model renders, as a whole YAML document, with the reviewed copy in
   * {@code golden/<name>} (rewriting the copies first under {@code -Dgolden.update=true}).
   */
  static void assertMatchesGolden(ClusterModel model, String name) throws IOException {
    Path dir = GOLDEN.resolve(name);
    Map<String, String> rendered = new LinkedHashMap<>();
    for (HasMetadata object : model.all()) {
      rendered.put(
          object.getKind() + "-" + object.getMetadata().getName() + ".yaml",
          Serialization.asYaml(object));
    }
    if (Boolean.getBoolean("golden.update")) {
      Files.createDirectories(dir);
      for (var e : rendered.entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue());
      }
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactlyElementsOf(rendered.keySet().stream().sorted().toList());
    }
    for (var e : rendered.entrySet()) {
      assertThat(e.getValue()).as(e.getKey()).isEqualTo(Files.readString(dir.resolve(e.getKey())));
    }
  }

  @Test
  void givenSameCluster_whenRenderedTwice_thenOutputIsIdentical() {
    QuorumCluster cr = Examples.load("separated.yaml");

    String first =
        Serialization.asYaml(ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS).all());
    String second =
        Serialization.asYaml(ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS).all());

    assertThat(first).isEqualTo(second);
  }

  @Test
  void givenVotersAndConfigInAnotherOrder_whenRendered_thenConfigMapsAreIdentical() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().getConfig().put("a.first", "1");
    cr.getSpec().getKafka().getConfig().put("z.last", "2");
    ClusterIdentity identity = Examples.identity(cr);
    List<VoterRef> reversed = new ArrayList<>(identity.initialVoters());
    Collections.reverse(reversed);
    QuorumCluster shuffled = Examples.load("combined.yaml");
    shuffled.getSpec().getKafka().getConfig().clear();
    shuffled.getSpec().getKafka().getConfig().put("z.last", "2");
    shuffled.getSpec().getKafka().getConfig().put("num.partitions", "6");
    shuffled.getSpec().getKafka().getConfig().put("a.first", "1");

    var ordered = ClusterModel.from(cr, identity, Examples.SETTINGS).configMaps();
    var other =
        ClusterModel.from(
                shuffled,
                new ClusterIdentity(identity.clusterId(), reversed, identity.formed()),
                Examples.SETTINGS)
            .configMaps();

    assertThat(other).isEqualTo(ordered);
    assertThat(ordered.get(1).getData().get("bootstrap.properties"))
        .contains(
            "initial.controllers=0@orders-node-0.orders-node.kafka.svc:9093:dir0AAAAAAAAAAAAAAAAAAA,"
                + "1@orders-node-1.orders-node.kafka.svc:9093:dir1AAAAAAAAAAAAAAAAAAA,"
                + "2@orders-node-2.orders-node.kafka.svc:9093:dir2AAAAAAAAAAAAAAAAAAA\n");
  }

  @Test
  void givenConfigChange_whenRendered_thenOnlyThenThePodTemplateHashChanges() {
    QuorumCluster cr = Examples.load("combined.yaml");
    String before = hash(cr);
    assertThat(hash(cr)).isEqualTo(before);

    cr.getSpec().getKafka().getConfig().put("log.retention.hours", "24");

    assertThat(hash(cr)).isNotEqualTo(before);
  }

  @Test
  void givenReservedKeyInUserConfig_whenRendered_thenOperatorValueIsKept() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().getConfig().put("process.roles", "broker");

    String config =
        serverProperties(ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS), 0);

    assertThat(config)
        .contains("process.roles=broker,controller\n")
        .doesNotContain("process.roles=broker\n");
  }

  @Test
  void givenDeleteClaim_thenStatefulSetDeletesClaimsWithTheClusterOnlyThen() {
    QuorumCluster cr = Examples.load("combined.yaml");
    assertThat(retention(cr)).isEqualTo("Retain");

    cr.getSpec().getControllers().getStorage().setDeleteClaim(true);

    assertThat(retention(cr)).isEqualTo("Delete");
  }

  @Test
  void givenImagePullSecrets_thenEveryPoolsPodsNameThemAndTheTemplateHashChanges() {
    QuorumCluster cr = Examples.load("separated.yaml");
    String before = podTemplateAnnotation(model(cr), Labels.TEMPLATE_HASH);
    PodTemplate template = new PodTemplate();
    template.setImagePullSecrets(List.of(new ImagePullSecret("corp-registry")));
    cr.getSpec().setTemplate(template);

    ClusterModel model = model(cr);

    assertThat(model.statefulSets())
        .hasSize(2)
        .allSatisfy(
            set ->
                assertThat(set.getSpec().getTemplate().getSpec().getImagePullSecrets())
                    .extracting(LocalObjectReference::getName)
                    .containsExactly("corp-registry"));
    assertThat(podTemplateAnnotation(model, Labels.TEMPLATE_HASH)).isNotEqualTo(before);
  }

  private static ClusterModel model(QuorumCluster cr) {
    return ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS);
  }

  /** The server.properties of the model's {@code pool}-th pool. */
  static String serverProperties(ClusterModel model, int pool) {
    return model.configMaps().get(2 * pool).getData().get(ConfigMapModel.SERVER_PROPERTIES);
  }

  private static String retention(QuorumCluster cr) {
    return ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS)
        .statefulSets()
        .get(0)
        .getSpec()
        .getPersistentVolumeClaimRetentionPolicy()
        .getWhenDeleted();
  }

  private static String hash(QuorumCluster cr) {
    return podTemplateAnnotation(
        ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS), Labels.CONFIG_HASH);
  }

  /** An annotation on the pod template of the model's first pool. */
  static String podTemplateAnnotation(ClusterModel model, String key) {
    return podTemplateAnnotation(model, 0, key);
  }

  static String podTemplateAnnotation(ClusterModel model, int pool, String key) {
    return model
        .statefulSets()
        .get(pool)
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(key);
  }
}
