package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.api.v1alpha1.status.KafkaStatus;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * metadata.version against the mock API and a scripted quorum at 4.3-IV0 (a cluster upgraded from
 * 4.3.1), every pod already on examples/combined.yaml's 4.4.0: finalized only on request, that
 * feature alone; a downgrade accepted before, refused after (ADR 014).
 */
class MetadataVersionApiTest {

  static final Path COMBINED = Path.of("../examples/combined.yaml");

  ApiHarness api;
  QuorumScript quorum;

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    quorum.metadataVersion.set(30);
    api.create(COMBINED);
    for (int id = 0; id < 3; id++) {
      await().ignoreExceptions().until(() -> template() != null);
      createReadyPod(id);
    }
    await()
        .until(
            () -> kafka() != null && Integer.valueOf(30).equals(kafka().getMetadataVersionLevel()));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenNoRequest_thenTheLevelIsOnlyReported() {
    await().during(Duration.ofSeconds(2)).until(() -> quorum.changes.isEmpty());
    assertThat(kafka().getMetadataVersion()).isEqualTo("4.3-IV0");
    assertThat(kafka().getRunningVersions()).containsExactly("4.4.0");
    // read by the observation, never on a reconcile thread: a call to a leader that just died
    // would hold the pass, and the status it writes, for the call's bound (issue 15)
    assertThat(api.quorum().featureReaders)
        .isNotEmpty()
        .noneMatch(thread -> thread.startsWith("ReconcilerExecutor"));
  }

  @Test
  void givenARequest_thenMetadataVersionAloneIsFinalized_andADowngradeIsRefusedAfter() {
    api.edit("orders", cr -> cr.getSpec().getKafka().setMetadataVersion("4.4-IV2"));

    await().until(() -> Integer.valueOf(33).equals(kafka().getMetadataVersionLevel()));
    assertThat(quorum.changes).containsExactly("metadata.version 33");
    assertThat(kafka().getMetadataVersion()).isEqualTo("4.4-IV2");
    assertThat(api.client().v1().events().inNamespace(NAMESPACE).list().getItems())
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("MetadataVersionFinalized");
              assertThat(e.getMessage()).isEqualTo("metadata.version 4.3-IV0 -> 4.4-IV2");
            });

    api.edit("orders", cr -> cr.getSpec().getKafka().setVersion("4.3.1"));

    await().until(() -> "True".equals(condition(api.get("orders"), Conditions.SPEC_INVALID)));
    assertThat(message(api.get("orders"), Conditions.SPEC_INVALID))
        .contains(
            "kafka.version 4.3.1 cannot run metadata.version 4.4-IV2, which this cluster has"
                + " finalized");
    assertThat(image()).endsWith(":4.4.0");
  }

  @Test
  void givenNotFinalized_thenADowngradeIsAccepted() {
    api.edit("orders", cr -> cr.getSpec().getKafka().setVersion("4.3.1"));

    await().until(() -> image().endsWith(":4.3.1"));
    assertThat(condition(api.get("orders"), Conditions.SPEC_INVALID)).isEqualTo("False");
  }

  @Test
  void givenTheFinalizedLevelLoweredInStatusByHand_thenADowngradeIsJudgedByKafkasLevel() {
    quorum.metadataVersion.set(33); // finalized to 4.4-IV2, by kafka-features.sh say
    await().until(() -> Integer.valueOf(33).equals(kafka().getMetadataVersionLevel()));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var cr = api.get("orders");
              cr.getStatus().getKafka().setMetadataVersionLevel(30);
              cr.getStatus().getKafka().setMetadataVersion("4.3-IV0");
              api.client().resource(cr).updateStatus();
            });
    api.edit("orders", cr -> cr.getSpec().getKafka().setVersion("4.3.1"));

    await().until(() -> "True".equals(condition(api.get("orders"), Conditions.SPEC_INVALID)));
    assertThat(message(api.get("orders"), Conditions.SPEC_INVALID))
        .contains("kafka.version 4.3.1 cannot run metadata.version 4.4-IV2");
    assertThat(image()).endsWith(":4.4.0");
  }

  /**
   * The same edits made while the operator is stopped (a restore of status and spec from an old
   * backup, then the operator started): its first pass, before any observation, must not judge by
   * status alone.
   */
  @Test
  void givenLevelLoweredAndDowngradeAskedWhileTheOperatorIsStopped_thenRefusedOnceItStarts() {
    quorum.metadataVersion.set(33);
    await().until(() -> Integer.valueOf(33).equals(kafka().getMetadataVersionLevel()));
    api.stopOperator();
    var cr = api.get("orders");
    cr.getStatus().getKafka().setMetadataVersionLevel(30);
    cr.getStatus().getKafka().setMetadataVersion("4.3-IV0");
    api.client().resource(cr).updateStatus();
    api.edit("orders", c -> c.getSpec().getKafka().setVersion("4.3.1"));

    api.startOperator();

    await().until(() -> "True".equals(condition(api.get("orders"), Conditions.SPEC_INVALID)));
    assertThat(message(api.get("orders"), Conditions.SPEC_INVALID))
        .contains("kafka.version 4.3.1 cannot run metadata.version 4.4-IV2");
    await()
        .during(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(image()).endsWith(":4.4.0"));
  }

  private KafkaStatus kafka() {
    var cr = api.get("orders");
    return cr.getStatus() == null ? null : cr.getStatus().getKafka();
  }

  private String image() {
    return template().getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private StatefulSet template() {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName("orders-node").get();
  }

  /** A pod as the StatefulSet controller makes it from the current template, Ready. */
  private void createReadyPod(int id) {
    Map<String, String> annotations =
        new HashMap<>(template().getSpec().getTemplate().getMetadata().getAnnotations());
    Pod pod =
        api.client()
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("orders-node-" + id)
                    .withNamespace(NAMESPACE)
                    .withUid("uid-" + id)
                    .addToLabels("quorumkeeper.io/cluster", "orders")
                    .withAnnotations(annotations)
                    .endMetadata()
                    .withSpec(template().getSpec().getTemplate().getSpec())
                    .build())
            .create();
    api.client()
        .pods()
        .inNamespace(NAMESPACE)
        .withName(pod.getMetadata().getName())
        .editStatus(
            p ->
                new PodBuilder(p)
                    .withNewStatus()
                    .withPhase("Running")
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus("True")
                    .endCondition()
                    .endStatus()
                    .build());
  }
}
