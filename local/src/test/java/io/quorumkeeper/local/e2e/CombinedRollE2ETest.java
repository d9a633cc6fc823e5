package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A quorum-aware roll of examples/combined.yaml under load (issue 12): a change of {@code
 * spec.kafka.config} restarts each of the three pods once, the leader last, while topics are
 * created and an {@code acks=all} producer writes to a topic with replication factor 3 and {@code
 * min.insync.replicas=2}; the operator is killed after the first pod restarted and the roll
 * completes with the operator its supervisor starts again, without restarting any pod twice.
 * Nothing acknowledged is lost and no record is refused.
 */
class CombinedRollE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("combined-roll", "127.0.40");

  private static final Duration ROLL_TIMEOUT = Duration.ofMinutes(4);

  @Test
  void givenLoad_whenConfigChangesAndOperatorKilledMidRoll_thenEachPodRestartsOnceLeaderLast() {
    try (LoadDriver load = LoadDriver.onReadyCluster(local, "combined.yaml", 3)) {
      RollWatch watch = RollWatch.begin(local, "combined.yaml");
      long operatorBefore = local.runtime().operatorPid();
      AtomicLong killed = new AtomicLong(-1);

      watch.changeKafkaConfig();
      watch.awaitRolled(
          ROLL_TIMEOUT,
          w -> {
            // the second restart is recorded and reported: the first pod is back, the last not
            // yet restarted. (Killed between a pod's delete and its event, the operator does not
            // record that event: events are best effort, status.roll is the record.)
            if (w.restartsSeen() == 2 && w.restartEventsSeen() == 2 && killed.get() < 0) {
              killed.set(local.runtime().operatorPid());
              ProcessHandle.of(killed.get()).ifPresent(ProcessHandle::destroyForcibly);
            }
          });

      assertThat(killed.get()).as("operator killed mid-roll").isEqualTo(operatorBefore);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(local.runtime().operatorPid()).isNotIn(-1L, operatorBefore));
      watch.assertEveryPodRestartedOnceLeaderLast();
      load.awaitProgress(Duration.ofSeconds(30));
      load.stopAndAssertNothingLost();
    }
  }
}
