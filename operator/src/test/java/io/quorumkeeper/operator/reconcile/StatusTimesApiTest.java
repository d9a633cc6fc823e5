package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.ClusterEdits.COMBINED;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.api.v1alpha1.status.QuorumStatus;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code status.quorum.observedAt} written by hand: a value that is no time made every pass fail
 * with a parse error (no roll, no status write while the numbers stayed the same), and one far
 * ahead kept the numbers in status from being refreshed until then. Either is read as unknown:
 * status is refreshed at once and nothing fails.
 */
class StatusTimesApiTest {

  final ApiHarness api = ApiHarness.start();
  final ClusterEdits cluster = new ClusterEdits(api);
  QuorumScript quorum;

  @BeforeEach
  void start() {
    quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    cluster.awaitAccepted("orders", 1);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"yesterday\nat noon", "2999-01-01T00:00:00Z"})
  void givenObservedAtEditedByHand_thenStatusIsRefreshedAndNoPassFails(String edited) {
    cluster.editStatus("orders", cr -> cr.getStatus().getQuorum().setObservedAt(edited));

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(observedAt(api.get("orders").getStatus().getQuorum()))
                    .isBetween(Instant.now().minusSeconds(30), Instant.now().plusSeconds(1)));
    quorum.leader(1, 2);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(api.get("orders").getStatus().getQuorum().getLeaderId()).isEqualTo(1));
    assertThat(api.reconciles().failures()).isEmpty();
  }

  private static Instant observedAt(QuorumStatus quorum) {
    try {
      return Instant.parse(quorum.getObservedAt());
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
