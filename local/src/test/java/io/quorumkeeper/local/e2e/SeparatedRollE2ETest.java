package io.quorumkeeper.local.e2e;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A quorum-aware roll of examples/separated.yaml under load (issue 12): a change of {@code
 * spec.kafka.config} restarts each of the three controllers and three brokers once, the quorum's
 * leader last, while topics are created and an {@code acks=all} producer writes to a topic with
 * replication factor 3 and {@code min.insync.replicas=2} on the three brokers. Nothing acknowledged
 * is lost and no record is refused.
 */
class SeparatedRollE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local =
      new LocalRuntimeExtension("separated-roll", "127.0.41");

  private static final Duration ROLL_TIMEOUT = Duration.ofMinutes(6);

  @Test
  void givenLoad_whenConfigChanges_thenEachControllerAndBrokerRestartsOnceLeaderLast() {
    try (LoadDriver load = LoadDriver.onReadyCluster(local, "separated.yaml", 6)) {
      RollWatch watch = RollWatch.begin(local, "separated.yaml");

      watch.changeKafkaConfig();
      watch.awaitRolled(ROLL_TIMEOUT, w -> {});

      watch.assertEveryPodRestartedOnceLeaderLast();
      load.awaitProgress(Duration.ofSeconds(30));
      load.stopAndAssertNothingLost();
    }
  }
}
