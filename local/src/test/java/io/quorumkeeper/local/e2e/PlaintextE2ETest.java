package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.quorumkeeper.local.e2e.QuorumState.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Plaintext cluster through the operator (docs/security.md, ADR 032): it runs, warned, and an
 * anonymous client of its bootstrap Service (the client listener every pod reaches) cannot remove a
 * voter, while the operator, on the controller listener, still heals: a follower whose volume is
 * wiped is replaced by its new incarnation. One runtime, the cases in order.
 */
@TestMethodOrder(OrderAnnotation.class)
class PlaintextE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("plaintext", "127.0.53");

  static final String CLUSTER = "open";
  static final Duration HEAL_TIMEOUT = Duration.ofMinutes(3);

  @Test
  @Order(1)
  void givenAPlaintextCluster_whenApplied_thenReadyToleratingOneFailure_andWarned() {
    local.runtime().apply(Path.of("src/test/resources/plaintext.yaml").toAbsolutePath());

    local.awaitReady(CLUSTER, 3);
    local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    assertThat(local.condition(CLUSTER, "Warning"))
        .hasValueSatisfying(c -> assertThat(c.get("reason")).isEqualTo("PlaintextTransport"));
  }

  @Test
  @Order(2)
  void givenAnAnonymousClientOfTheBootstrapService_whenItRemovesAVoter_thenRefused()
      throws Exception {
    QuorumState before = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    Member follower = before.aFollower();

    try (Admin anonymous = Admin.create(local.clients(CLUSTER).kafka())) {
      Throwable refused =
          catchThrowable(
              () ->
                  anonymous
                      .removeRaftVoter(follower.nodeId(), Uuid.fromString(follower.directoryId()))
                      .all()
                      .get(30, TimeUnit.SECONDS));
      assertThat(refused).hasCauseInstanceOf(ClusterAuthorizationException.class);
      assertThat(
              anonymous
                  .describeMetadataQuorum()
                  .quorumInfo()
                  .get(30, TimeUnit.SECONDS)
                  .voters()
                  .size())
          .as("the voters the same client sees")
          .isEqualTo(3);
    }
    QuorumState after = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    assertThat(after.voterIncarnations()).isEqualTo(before.voterIncarnations());
  }

  @Test
  @Order(3)
  void givenAFollowersVolumeWiped_thenTheOperatorReplacesItsOldIncarnation() {
    Member follower = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT).aFollower();

    local.runtime().kubelet().wipe("default", follower.pod());

    QuorumState healed =
        local.awaitQuorum(
            CLUSTER,
            HEAL_TIMEOUT,
            q -> {},
            q -> {
              assertThat(q.voter(follower.nodeId()))
                  .hasValueSatisfying(
                      m -> assertThat(m.directoryId()).isNotEqualTo(follower.directoryId()));
              assertThat(q.voterSummary()).isEqualTo("3/3");
              assertThat(q.faultTolerance()).isEqualTo(1);
              assertThat(q.operation()).isEmpty();
            });
    assertThat(healed.voterIncarnations()).doesNotContain(follower.incarnation());
    local.awaitReady(CLUSTER, 3);
  }
}
