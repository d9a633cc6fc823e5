package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.config.OperatorSettings;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Each step of a heal follows Kafka's confirmation of the previous one, not the observation clock
 * (issue 15): with the periodic observation once an hour, a spare replaces a dead voter (remove,
 * then add, then done) through the observations the operator makes at once after each confirmed
 * change. Without them the heal would stop after the remove until the next hourly poll.
 */
class HealingFollowsCommitApiTest {

  static final OperatorSettings HOURLY =
      ApiHarness.SETTINGS.withObservation(
          new OperatorSettings.Observation(
              Duration.ofHours(1),
              Duration.ofSeconds(1),
              2,
              Duration.ofSeconds(2),
              Duration.ofSeconds(30)));

  @AutoClose final ApiHarness api = ApiHarness.start(Clock.systemUTC(), HOURLY);

  @Test
  void givenADeadVoterAndACaughtUpSpare_thenRemoveAddAndDoneFollowEachOtherWithoutATick() {
    FakeQuorumClient.Script quorum =
        api.quorum().script(NAMESPACE + "/inventory", 3).observer(3).dead(1);

    api.create(HealingApiTest.SPARE);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(quorum.voterIds()).isEqualTo(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var status = api.get("inventory").getStatus();
              assertThat(status.getOperation()).as("the heal is done").isNull();
              assertThat(status.getQuorum().getVoterSummary()).isNotNull();
              assertThat(status.getQuorum().getFaultTolerance()).isEqualTo(1);
            });
  }
}
