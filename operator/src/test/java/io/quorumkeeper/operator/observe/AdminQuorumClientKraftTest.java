package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.Health;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.QuorumAssessor;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.testing.KraftNodes;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Admin-based quorum client against three real KRaft controllers, started by the quorum-node
 * launcher from the very ConfigMap the operator renders.
 */
@ExtendWith(AdminQuorumClientKraftTest.DumpLogsOnFailure.class)
class AdminQuorumClientKraftTest {

  static final String CLUSTER = "kafka/kt";
  static final QuorumAssessor ASSESSOR =
      new QuorumAssessor(Duration.ofSeconds(2), Duration.ofSeconds(4));

  @TempDir static Path root;
  static KraftNodes nodes;
  static Pool pool;
  static AdminQuorumClient client;

  @BeforeAll
  static void startThreeControllers() throws Exception {
    nodes = KraftNodes.fromExample(root, "combined.yaml", "kt");
    pool = nodes.pool();
    for (int ordinal = 0; ordinal < 3; ordinal++) {
      nodes.start(ordinal);
    }
    client = new AdminQuorumClient(Duration.ofSeconds(3));
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  void
      givenThreeControllers_thenLeaderEpochAndCaughtUpVotersAreReported_andAfterKillingTheLeaderTheNewOne() {
    QuorumView healthy =
        await()
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .until(this::view, v -> v.isPresent() && v.get().faultTolerance() == 1)
            .orElseThrow();
    assertThat(healthy.voters()).isEqualTo(3);
    assertThat(healthy.leaderEpoch()).isPositive();
    assertThat(healthy.members()).extracting(Member::health).containsOnly(Health.CaughtUp);
    assertThat(healthy.members()).allSatisfy(m -> assertThat(m.lag()).isLessThan(100));
    int oldLeader = healthy.leaderId().getAsInt();
    // every agent reads the incarnation Kafka lists as the voter, and follows the same leader
    Map<Integer, AgentReport> agents =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> client.agents(CLUSTER, nodes.podHosts(), KraftNodes.AGENT_TOKEN, false),
                a ->
                    a.size() == 3
                        && a.values().stream()
                            .allMatch(r -> Integer.valueOf(oldLeader).equals(r.leaderId())));
    assertThat(agents.values())
        .extracting(r -> r.nodeId() + "/" + r.directoryId())
        .containsExactlyInAnyOrderElementsOf(
            healthy.voterMembers().stream().map(m -> m.nodeId() + "/" + m.directoryId()).toList());
    assertThat(agents.get(oldLeader).raftState()).isEqualTo("leader");
    assertThat(client.agents(CLUSTER, nodes.podHosts(), "wrong-token", false)).isEmpty();

    nodes.kill(oldLeader);

    QuorumView failedOver =
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                this::view,
                v ->
                    v.isPresent()
                        && v.get().leaderId().getAsInt() != oldLeader
                        && v.get().members().stream()
                            .anyMatch(
                                m -> m.nodeId() == oldLeader && m.health() == Health.Unreachable))
            .orElseThrow();
    assertThat(failedOver.leaderEpoch()).isGreaterThan(healthy.leaderEpoch());
    assertThat(failedOver.faultTolerance()).isZero();

    assertThat(client.agents(CLUSTER, nodes.podHosts(), KraftNodes.AGENT_TOKEN, false))
        .doesNotContainKey(oldLeader)
        .hasSize(2);

    nodes.start(oldLeader);

    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(this::view, v -> v.isPresent() && v.get().faultTolerance() == 1);
  }

  @Test
  void givenANewVoterThatDoesNotAnswer_thenKafkaRefusesBeforeAppendingAndTheSetStaysAsItWas()
      throws Exception {
    QuorumView healthy =
        await()
            .atMost(Duration.ofSeconds(90))
            .ignoreExceptions()
            .until(this::view, v -> v.isPresent() && v.get().faultTolerance() == 1)
            .orElseThrow();
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort(); // nothing listens there once it is closed
    }
    Incarnation stranger = new Incarnation(9, Uuid.randomUuid().toString());

    assertThatThrownBy(
            () ->
                client.addVoter(
                    CLUSTER, pool.controllerEndpoints(), stranger, "127.0.0.1", closedPort))
        .as("the leader's own refusal, told apart from a change that did not commit in time")
        .isInstanceOf(VoterChangeRefused.class)
        .hasMessageContaining("9");
    assertThat(view().orElseThrow().voterMembers())
        .extracting(Member::nodeId)
        .containsExactlyInAnyOrderElementsOf(
            healthy.voterMembers().stream().map(Member::nodeId).toList());
  }

  private Optional<QuorumView> view() throws QuorumUnavailableException {
    return ASSESSOR.assess(
        nodes.snapshot(CLUSTER, client.describe(CLUSTER, pool.controllerEndpoints())));
  }

  /** On failure, the nodes' logs say why. */
  static class DumpLogsOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (nodes != null) {
        System.err.println(nodes.tailOfLogs(40));
      }
    }
  }
}
