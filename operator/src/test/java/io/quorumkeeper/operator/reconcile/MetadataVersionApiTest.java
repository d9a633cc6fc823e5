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
import java.util.List;
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

  /**
   * A finalization whose call timed out may still commit (as a voter change may, KAFKA-20740); one
   * that committed reaches status only with the write after it. A downgrade asked meanwhile was
   * judged by the old level, accepted and rendered, and every pod the roll restarted onto it could
   * not start once the level committed. It waits until Kafka shows the outcome: the level
   * committed, or the old one still read the settle time (10 s) after the call (ADR 048).
   */
  @Test
  void givenAFinalizationThatTimedOut_thenADowngradeWaitsUntilKafkaShowsTheOutcome() {
    askAFinalizationThatTimesOut();

    downgradeWithoutMetadataVersion();

    awaitDowngradeHeldThenRun();
  }

  /**
   * The same ask made by the operator before a restart (or by the replica that lost the Lease): the
   * new one cannot know whether it was sent, so a running spec that asks for a level above the
   * finalized one counts as asked from the moment it first sees it (ADR 048).
   */
  @Test
  void givenAFinalizationThatTimedOutBeforeAnOperatorRestart_thenADowngradeStillWaits() {
    askAFinalizationThatTimesOut();
    api.stopOperator();
    downgradeWithoutMetadataVersion();

    api.startOperator();

    awaitDowngradeHeldThenRun();
  }

  /** spec.kafka.metadataVersion 4.4-IV2, whose finalization call times out, committing nothing. */
  private void askAFinalizationThatTimesOut() {
    quorum.finalizeTimesOut = true;
    api.edit("orders", cr -> cr.getSpec().getKafka().setMetadataVersion("4.4-IV2"));
    await().until(() -> quorum.changes.contains("metadata.version 33 timed out"));
  }

  private void downgradeWithoutMetadataVersion() {
    api.edit(
        "orders",
        cr -> {
          cr.getSpec().getKafka().setMetadataVersion(null);
          cr.getSpec().getKafka().setVersion("4.3.1");
        });
  }

  /**
   * The downgrade refused while the finalization may commit, 4.4.0 kept for the 3 s watched; run
   * once Kafka still shows the old level the settle time after the call.
   */
  private void awaitDowngradeHeldThenRun() {
    await().until(() -> "True".equals(condition(api.get("orders"), Conditions.SPEC_INVALID)));
    assertThat(message(api.get("orders"), Conditions.SPEC_INVALID))
        .contains("the operator asked Kafka to finalize 4.4-IV2 (or may have, before a restart)");
    await()
        .during(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(image()).endsWith(":4.4.0"));
    await().atMost(Duration.ofSeconds(20)).until(() -> image().endsWith(":4.3.1"));
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

  /**
   * A StatefulSet that carries a Kafka the finalized level rules out: a downgrade accepted while
   * the roll waited (here for the brokers to answer for the partitions), then the level finalized
   * by hand with {@code kafka-features} (Kafka allows it: every node still runs 4.4.0). Each pod
   * the roll restarted would stop at start; the roll restarts none (ADR 048). The same holds for a
   * downgrade accepted while a finalization of the operator's own was on its way.
   */
  @Test
  void givenTheStatefulSetsKafkaCannotRunTheFinalizedLevel_thenNoPodIsRestartedOntoIt() {
    List<String> running = podUids();
    api.edit("orders", cr -> cr.getSpec().getKafka().setVersion("4.3.1"));
    await().until(() -> image().endsWith(":4.3.1"));
    quorum.metadataVersion.set(33); // kafka-features upgrade --metadata 4.4-IV2, by hand
    await().until(() -> Integer.valueOf(33).equals(kafka().getMetadataVersionLevel()));

    quorum.partitions = List::of; // the brokers answer now: no partition holds the roll

    await()
        .untilAsserted(
            () ->
                assertThat(message(api.get("orders"), Conditions.PROGRESSING))
                    .contains("runs metadata.version at most 4.3-IV0, below the 4.4-IV2")
                    .contains("the pod would not start"));
    await()
        .untilAsserted(
            () ->
                assertThat(api.client().v1().events().inNamespace(NAMESPACE).list().getItems())
                    .filteredOn(e -> "RollBlocked".equals(e.getReason()))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).contains("would restart orders-")));
    await()
        .during(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(podUids()).as("no pod restarted").isEqualTo(running));
  }

  private List<String> podUids() {
    return api.client().pods().inNamespace(NAMESPACE).list().getItems().stream()
        .map(p -> p.getMetadata().getName() + "/" + p.getMetadata().getUid())
        .sorted()
        .toList();
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
