package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.status.RollStatus;
import io.quorumkeeper.operator.quorum.RollAction;
import io.quorumkeeper.operator.quorum.RollStep;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What status.roll records for each planned action, and how refused evictions are retried. */
class RollingStepTest {

  static final Instant FIRST_TRY = Instant.parse("2026-12-02T10:00:00Z");
  static final Instant NOW = FIRST_TRY.plusSeconds(40);

  @Test
  void givenARestartAskedForAgain_thenItIsRecordedAsIssuedNow_notAtTheFirstTry() {
    // the first try wrote status.roll, and its eviction never happened (the pass ended, the API
    // refused): the pod, same uid, is restarted now, and the wait for a view of the quorum newer
    // than the restart must count from now
    RollStatus previous = new RollStatus("orders-node-1", "uid-1", "config", FIRST_TRY.toString());

    Rolling.Step step =
        Rolling.step(new RollAction.Restart("orders-node-1", "uid-1", "config"), previous, NOW);

    assertThat(step.roll().getStartedAt()).isEqualTo(NOW.toString());
    assertThat(step.roll().getPod()).isEqualTo("orders-node-1");
  }

  @Test
  void givenAWaitHoldingTheRestartedPod_thenTheRecordedRestartIsKept() {
    RollStatus previous = new RollStatus("orders-node-1", "uid-1", "config", FIRST_TRY.toString());

    Rolling.Step step =
        Rolling.step(
            new RollAction.Wait("back?", new RollStep("orders-node-1", "uid-1", "config")),
            previous,
            NOW);

    assertThat(step.roll()).isSameAs(previous);
    assertThat(step.roll().getStartedAt()).isEqualTo(FIRST_TRY.toString());
  }

  @Test
  void givenEvictionsRefusedInARow_thenEachRetryWaitsTwiceAsLong_upToAMinute() {
    Rolling.Refusal refused = Rolling.Refusal.first("uid-1", "HTTP 429: budget", NOW);
    List<Long> waits = new java.util.ArrayList<>();
    waits.add(java.time.Duration.between(NOW, refused.retryAt()).toSeconds());
    for (int i = 0; i < 6; i++) {
      refused = refused.again("HTTP 429: budget", NOW);
      waits.add(java.time.Duration.between(NOW, refused.retryAt()).toSeconds());
    }

    assertThat(waits).containsExactly(5L, 10L, 20L, 40L, 60L, 60L, 60L);
    assertThat(refused.times()).isEqualTo(7);
    assertThat(refused.since()).isEqualTo(NOW);
    assertThat(refused.describe())
        .isEqualTo(
            "the API refused its eviction 7 times since "
                + NOW
                + " (HTTP 429: budget); it is asked again from "
                + NOW.plusSeconds(60));
  }
}
