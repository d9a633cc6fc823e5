package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * A change of the controller pods announces a change in the quorum, so the operator observes the
 * cluster at once and for a few seconds after it, not only at its periodic tick (issue 15): with
 * the tick once an hour, a new leader reaches status only once a controller pod changes, then
 * within a second; the burst of observations ends by itself.
 */
class ObservationFollowsPodsApiTest {

  static final String CLUSTER = NAMESPACE + "/orders";

  @AutoClose
  final ApiHarness api = ApiHarness.start(Clock.systemUTC(), HealingFollowsCommitApiTest.HOURLY);

  @Test
  void givenAnHourlyTick_whenAControllerPodChanges_thenANewLeaderReachesStatusAtOnce() {
    QuorumScript quorum = api.quorum().script(CLUSTER, 3).leader(0, 1);
    api.create(Path.of("../examples/combined.yaml"));
    await().until(() -> leaderInStatus() == 0);
    int quiet = api.quorum().describes(CLUSTER);
    assertThat(api.quorum().describeBounds)
        .as("the periodic poll waits for Kafka as long as the observation timeout")
        .containsOnly(HealingFollowsCommitApiTest.HOURLY.observation().timeout());
    int polled = api.quorum().describeBounds.size();

    quorum.leader(1, 2);
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(3))
        .until(() -> api.quorum().describes(CLUSTER) == quiet && leaderInStatus() == 0);

    api.createPodFromTemplate("orders-node", "orders-node-1", "orders");

    await().atMost(Duration.ofSeconds(2)).until(() -> leaderInStatus() == 1);
    // The burst lasts a few seconds, then the observations stop until the next change.
    AtomicInteger last = new AtomicInteger(-1);
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              int now = api.quorum().describes(CLUSTER);
              return last.getAndSet(now) == now;
            });
    assertThat(api.quorum().describes(CLUSTER) - quiet)
        .as("observations in the burst")
        .isBetween(3, 40);
    assertThat(api.quorum().describeBounds.subList(polled, api.quorum().describeBounds.size()))
        .as("a burst gives a call up after 1 s, for the next one on a fresh client")
        .contains(Duration.ofSeconds(1));
  }

  /** The leader status names, -1 while it names none. */
  private int leaderInStatus() {
    var status = api.get("orders").getStatus();
    return status == null || status.getQuorum() == null || status.getQuorum().getLeaderId() == null
        ? -1
        : status.getQuorum().getLeaderId();
  }
}
