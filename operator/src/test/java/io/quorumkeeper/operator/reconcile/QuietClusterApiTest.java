package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.MemberStatus;
import io.quorumkeeper.operator.config.OperatorSettings;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: an idle, healthy cluster's observations start no reconcile passes (each cost a pass
 * although it wrote nothing); its lag numbers still reach metrics at once and status at the
 * refresh, and anything a pass would report or act on starts one at once.
 */
class QuietClusterApiTest {

  private static final String KEY = NAMESPACE + "/orders";

  ApiHarness api;
  QuorumScript quorum;

  /** Observed every 200 ms; the numbers in status refreshed every {@code refreshEvery}. */
  private void start(Duration refreshEvery) {
    OperatorSettings.Observation o = ApiHarness.SETTINGS.observation();
    api =
        ApiHarness.start(
            Clock.systemUTC(),
            ApiHarness.SETTINGS.withObservation(
                new OperatorSettings.Observation(
                    o.interval(), o.timeout(), o.threads(), o.caughtUpWithin(), refreshEvery)));
    quorum = api.quorum().script(KEY, 3);
    api.create(Path.of("../examples/combined.yaml"));
    await().until(() -> Integer.valueOf(1).equals(tolerance()));
    await().until(() -> condition(api.get("orders"), Conditions.READY) != null);
    // Created: the first passes write status and objects; then a second goes by without one.
    java.util.concurrent.atomic.AtomicInteger seen =
        new java.util.concurrent.atomic.AtomicInteger();
    await()
        .during(Duration.ofSeconds(1))
        .atMost(Duration.ofSeconds(15))
        .until(
            () -> {
              int now = api.reconciles().finished("orders");
              return seen.getAndSet(now) == now;
            });
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenIdleHealthyCluster_thenObservationsStartNoPasses_butLagReachesMetricsAndStatus() {
    start(Duration.ofSeconds(3));

    int passes = api.reconciles().finished("orders");
    int describes = api.quorum().describes(KEY);
    long from = System.nanoTime();
    await().until(() -> api.quorum().describes(KEY) - describes >= 15); // 3 s at 200 ms
    long refreshes = Duration.ofNanos(System.nanoTime() - from).toSeconds() / 3 + 1;

    assertThat(api.reconciles().finished("orders") - passes)
        .as("passes during 15 observations of an idle cluster (one per refresh, 3 s here)")
        .isLessThanOrEqualTo((int) refreshes + 1);

    quorum.behind(1, 7);

    await()
        .atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(lagGauge(1)).isEqualTo(7.0));
    await()
        .atMost(Duration.ofSeconds(6))
        .untilAsserted(() -> assertThat(statusLag(1)).isEqualTo(7L));
    assertThat(tolerance()).isEqualTo(1);
  }

  @Test
  void givenQuietCluster_whenTheLeaderMovesOrAFollowerLags_thenAPassReportsItAtOnce() {
    start(Duration.ofMinutes(10)); // no refresh during the test: only a change can start a pass
    int passes = api.reconciles().finished("orders");
    int describes = api.quorum().describes(KEY);
    await().until(() -> api.quorum().describes(KEY) - describes >= 10);
    assertThat(api.reconciles().finished("orders") - passes).as("quiet").isLessThanOrEqualTo(1);

    quorum.leader(2, 2);

    await()
        .atMost(Duration.ofSeconds(5)) // the refresh is 10 min
        .until(
            () ->
                Integer.valueOf(2).equals(api.get("orders").getStatus().getQuorum().getLeaderId()));

    quorum.lagging(1, 40);

    await().atMost(Duration.ofSeconds(5)).until(() -> Integer.valueOf(0).equals(tolerance()));
    assertThat(condition(api.get("orders"), Conditions.QUORUM_HEALTHY)).isEqualTo("False");

    // Not steady while a voter lags: every observation starts a pass until it is caught up.
    int lagging = api.reconciles().finished("orders");
    int since = api.quorum().describes(KEY);
    await().until(() -> api.quorum().describes(KEY) - since >= 10);
    assertThat(api.reconciles().finished("orders") - lagging).isGreaterThanOrEqualTo(3);

    quorum.caughtUp(1);

    await().atMost(Duration.ofSeconds(5)).until(() -> Integer.valueOf(1).equals(tolerance()));
  }

  private double lagGauge(int nodeId) {
    return api.meters()
        .get("quorumkeeper.quorum.member.lag")
        .tags("node_id", "" + nodeId)
        .gauge()
        .value();
  }

  private Long statusLag(int nodeId) {
    return api.get("orders").getStatus().getQuorum().getMembers().stream()
        .filter(m -> m.getNodeId() == nodeId)
        .map(MemberStatus::getLag)
        .findFirst()
        .orElse(null);
  }

  private Integer tolerance() {
    QuorumCluster cr = api.get("orders");
    return cr.getStatus() == null || cr.getStatus().getQuorum() == null
        ? null
        : cr.getStatus().getQuorum().getFaultTolerance();
  }
}
