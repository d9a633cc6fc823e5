package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.bench.Rolls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Kafka version upgrade of examples/combined.yaml under load (issue 12): created on 4.3.1 (each
 * pod on the 4.3.1 distribution its image tag names), then {@code spec.kafka.version: 4.4.0}; every
 * pod restarts once, the leader last, each restart saying "Kafka version 4.3.1 -> 4.4.0"; every
 * node's own Kafka then reports 4.4.0, while an {@code acks=all} producer on a topic with
 * replication factor 3 and {@code min.insync.replicas=2} loses nothing and is refused nothing.
 */
class KafkaUpgradeE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("kafka-upgrade", "127.0.46");

  private static final Duration ROLL_TIMEOUT = Duration.ofMinutes(4);
  private static final String CLUSTER = "orders";
  private static final List<String> PODS =
      List.of("orders-node-0", "orders-node-1", "orders-node-2");

  @Test
  void givenLoad_whenUpgradedFrom431To440_thenEachPodRestartsOnceLeaderLastOntoTheNewKafka() {
    Path example = CombinedE2ETest.example("combined.yaml");
    Rolls.applyWithKafkaVersion(local.runtime(), example, "4.3.1");
    local.awaitReady(CLUSTER, 3);
    assertEveryNodeRuns("4.3.1");
    try (LoadDriver load = LoadDriver.start(CLUSTER + "-bootstrap.default.svc:9092", "up-load")) {
      RollWatch watch = RollWatch.begin(local, "combined.yaml");

      Rolls.applyWithKafkaVersion(local.runtime(), example, "4.4.0");
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
                assertThat(
                        QuorumClusters.at(local.cluster(CLUSTER), "status.kafka.runningVersions")
                            .map(String::valueOf))
                    .contains("[" + version + "]"));
  }
}
