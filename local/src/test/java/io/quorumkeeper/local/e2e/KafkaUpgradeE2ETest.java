package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.bench.Rolls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka version upgrades of examples/combined.yaml (issue 12, ADR 014), one cluster through the
 * cases in order. Created on 4.3.1 (each pod on the 4.3.1 distribution its image tag names), it is
 * upgraded to 4.4.0 under load: every pod restarts once, the leader last, each restart saying
 * "Kafka version 4.3.1 -> 4.4.0", every node's own Kafka then reports 4.4.0, and an {@code
 * acks=all} producer on a topic with replication factor 3 and {@code min.insync.replicas=2} loses
 * nothing and is refused nothing. Not finalized yet, it rolls back to 4.3.1; upgraded again with
 * {@code metadataVersion: 4.4-IV2}, metadata.version is finalized after the roll (kraft.version
 * untouched), and a downgrade is then refused with a reason while 4.4.0 keeps running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaUpgradeE2ETest {

  @RegisterExtension
  // rolls are this test's means, not its subject: a short settling time (ADR 026)
  static final LocalRuntimeExtension local =
      new LocalRuntimeExtension(
          "kafka-upgrade", "127.0.46", List.of("-Dquorumkeeper.roll.settle=2s"));

  private static final Duration ROLL_TIMEOUT = Duration.ofMinutes(4);
  private static final String CLUSTER = "orders";
  private static final Path EXAMPLE = CombinedE2ETest.example("combined.yaml");
  private static final List<String> PODS =
      List.of("orders-node-0", "orders-node-1", "orders-node-2");

  @Test
  @Order(1)
  void givenLoad_whenUpgradedFrom431To440_thenEachPodRestartsOnceLeaderLastOntoTheNewKafka() {
    Rolls.applyWithKafkaVersion(local.runtime(), EXAMPLE, "4.3.1");
    local.awaitReady(CLUSTER, 3);
    assertEveryNodeRuns("4.3.1");
    try (LoadDriver load = LoadDriver.start(local.clients(CLUSTER), "up-load")) {
      RollWatch watch = RollWatch.begin(local, "combined.yaml");

      Rolls.applyWithKafkaVersion(local.runtime(), EXAMPLE, "4.4.0");
      watch.awaitRolled(ROLL_TIMEOUT, w -> {});

      watch.assertEveryPodRestartedOnceLeaderLast();
      assertThat(local.events(CLUSTER, "RollingRestart"))
          .extracting(e -> e.getMessage())
          .hasSize(3)
          .allSatisfy(m -> assertThat(m).endsWith("Kafka version 4.3.1 -> 4.4.0"));
      assertEveryNodeRuns("4.4.0");
      load.awaitProgress(Duration.ofSeconds(30));
      load.stopAndAssertNothingLost();
    }
    assertThat(statusAt("status.kafka.metadataVersion")).isEqualTo("4.3-IV0");
  }

  @Test
  @Order(2)
  void givenNotFinalized_whenDowngradedTo431_thenEveryPodRollsBack() {
    RollWatch watch = RollWatch.begin(local, "combined.yaml");

    Rolls.applyWithKafkaVersion(local.runtime(), EXAMPLE, "4.3.1");
    watch.awaitRolled(ROLL_TIMEOUT, w -> {});

    watch.assertEveryPodRestartedOnceLeaderLast();
    assertEveryNodeRuns("4.3.1");
  }

  @Test
  @Order(3)
  void whenUpgradedAndFinalized_thenMetadataVersionAloneMoves_andADowngradeIsRefused()
      throws Exception {
    RollWatch watch = RollWatch.begin(local, "combined.yaml");
    Rolls.applyWithKafka(
        local.runtime(), EXAMPLE, Map.of("version", "4.4.0", "metadataVersion", "4.4-IV2"));
    watch.awaitRolled(ROLL_TIMEOUT, w -> {});
    assertEveryNodeRuns("4.4.0");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(statusAt("status.kafka.metadataVersion")).isEqualTo("4.4-IV2"));
    FeatureMetadata features = features();
    assertThat(features.finalizedFeatures().get("metadata.version").maxVersionLevel())
        .isEqualTo((short) 33);
    assertThat(features.finalizedFeatures().get("kraft.version").maxVersionLevel())
        .as("kraft.version untouched (KAFKA-21426)")
        .isEqualTo((short) 1);
    Map<String, String> uids = Rolls.podUids(local.runtime(), CLUSTER);

    Rolls.applyWithKafka(
        local.runtime(), EXAMPLE, Map.of("version", "4.3.1", "metadataVersion", "4.4-IV2"));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(local.condition(CLUSTER, "SpecInvalid"))
                    .hasValueSatisfying(
                        c ->
                            assertThat(String.valueOf(c.get("message")))
                                .contains("cannot run metadata.version 4.4-IV2")));
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(10))
        .until(() -> Rolls.podUids(local.runtime(), CLUSTER).equals(uids));
    assertEveryNodeRuns("4.4.0");
  }

  /** Each node's own Kafka (its agent), and status.kafka.runningVersions, say {@code version}. */
  private void assertEveryNodeRuns(String version) {
    for (String pod : PODS) {
      assertThat(local.agentNode(CLUSTER, pod).get("kafkaVersion").asText())
          .as("Kafka version of %s", pod)
          .isEqualTo(version);
    }
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(statusAt("status.kafka.runningVersions"))
                    .isEqualTo("[" + version + "]"));
  }

  private static String statusAt(String path) {
    return QuorumClusters.at(local.cluster(CLUSTER), path).map(String::valueOf).orElse(null);
  }

  private static FeatureMetadata features() throws Exception {
    try (Admin admin = Admin.create(local.clients(CLUSTER).kafka())) {
      return admin.describeFeatures().featureMetadata().get(10, TimeUnit.SECONDS);
    }
  }
}
