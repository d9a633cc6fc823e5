package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quorumkeeper.local.api.QuorumClusters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quorum as a user sees it in {@code status.quorum}, conditions and events (issue 7), with real
 * Kafka underneath: the status names the leader every node follows; a kill -9 of the leader shows
 * the new leader, a higher epoch and one {@code LeaderChanged} event; a frozen follower costs the
 * cluster its fault tolerance until it is thawed. One runtime for the class, the cases in order,
 * each starting from the healthy cluster the previous one left.
 */
@TestMethodOrder(OrderAnnotation.class)
class QuorumVisibilityE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("visibility", "127.0.32");

  private static final List<String> PODS =
      List.of("orders-node-0", "orders-node-1", "orders-node-2");

  /** Enough for an election (2-3 s), a 2 s observation and a status write, with a slow machine. */
  private static final Duration SHOWS_UP = Duration.ofSeconds(60);

  @Test
  @Order(1)
  void givenCombinedExample_whenReady_thenStatusNamesTheLeaderEveryAgentFollows() {
    local.runtime().apply(CombinedE2ETest.example("combined.yaml"));

    local.awaitReady("orders", 3);

    await()
        .atMost(SHOWS_UP)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              List<JsonNode> agents = PODS.stream().map(p -> local.agentNode("orders", p)).toList();
              assertThat(agents).allSatisfy(n -> assertThat(n.path("leaderId").isInt()).isTrue());
              int leader = agents.get(0).path("leaderId").asInt();
              long epoch = agents.get(0).path("leaderEpoch").asLong();
              assertThat(agents)
                  .allSatisfy(
                      n -> {
                        assertThat(n.path("leaderId").asInt()).isEqualTo(leader);
                        assertThat(n.path("leaderEpoch").asLong()).isEqualTo(epoch);
                      });
              GenericKubernetesResource qc = local.cluster("orders");
              assertThat(leaderId(qc)).isEqualTo(leader);
              assertThat(epoch(qc)).isEqualTo(epoch);
              assertThat(members(qc))
                  .filteredOn(m -> "Leader".equals(m.get("role")))
                  .singleElement()
                  .satisfies(
                      m -> {
                        assertThat(number(m.get("nodeId"))).isEqualTo(leader);
                        assertThat(m.get("pod")).isEqualTo("orders-node-" + leader);
                      });
              assertThat(members(qc)).hasSize(3);
              assertThat(members(qc))
                  .allSatisfy(m -> assertThat(m.get("health")).isEqualTo("CaughtUp"));
              assertThat(number(quorum(qc, "faultTolerance"))).isEqualTo(1);
              assertThat(quorum(qc, "voterSummary")).isEqualTo("3/3");
              assertThat(QuorumClusters.condition(qc, "QuorumHealthy")).contains("True");
            });
  }

  @Test
  @Order(2)
  void givenHealthyCluster_whenLeaderKilled_thenStatusShowsNewLeaderHigherEpochAndOneEvent() {
    GenericKubernetesResource before = local.cluster("orders");
    int oldLeader = leaderId(before);
    long oldEpoch = epoch(before);
    String leaderPod = podOf(before, oldLeader);

    local.runtime().kubelet().kill("default", leaderPod);

    await()
        .atMost(SHOWS_UP)
        .untilAsserted(
            () -> {
              GenericKubernetesResource qc = local.cluster("orders");
              assertThat(quorum(qc, "leaderId")).isNotNull();
              assertThat(leaderId(qc)).isNotEqualTo(oldLeader);
              assertThat(epoch(qc)).isGreaterThan(oldEpoch);
            });
    GenericKubernetesResource after = local.cluster("orders");
    int newLeader = leaderId(after);
    long newEpoch = epoch(after);
    assertThat(local.agentNode("orders", podOf(after, newLeader)).path("leaderId").asInt())
        .as("the new leader's own agent")
        .isEqualTo(newLeader);
    Pattern oldToNew = Pattern.compile(".*\\b" + oldLeader + "\\b\\D*\\b" + newLeader + "\\b.*");
    Pattern oldToNewAtEpoch = Pattern.compile(oldToNew.pattern() + "\\b" + newEpoch + "\\b.*");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(leaderChanges(oldToNewAtEpoch)).hasSize(1));
    // De-duplicated: the operator observes every 2 s and must not report the same change again.
    await()
        .during(Duration.ofSeconds(8))
        .atMost(Duration.ofSeconds(12))
        .untilAsserted(() -> assertThat(leaderChanges(oldToNew)).hasSize(1));

    awaitFullTolerance(); // the killed pod restarts and catches up again
    assertThat(podOf(local.cluster("orders"), oldLeader)).isEqualTo(leaderPod);
  }

  @Test
  @Order(3)
  void givenHealthyCluster_whenFollowerFrozenThenThawed_thenToleranceDropsToZeroAndComesBack() {
    GenericKubernetesResource before = local.cluster("orders");
    int leader = leaderId(before);
    Map<String, Object> follower =
        members(before).stream()
            .filter(m -> "Follower".equals(m.get("role")))
            .findFirst()
            .orElseThrow();
    int followerId = number(follower.get("nodeId"));
    String followerPod = (String) follower.get("pod");

    local.runtime().kubelet().freeze("default", followerPod);

    await()
        .atMost(SHOWS_UP)
        .untilAsserted(
            () -> {
              GenericKubernetesResource qc = local.cluster("orders");
              assertThat(member(qc, followerId).get("health")).isIn("Lagging", "Unreachable");
              assertThat(number(quorum(qc, "faultTolerance"))).isZero();
              assertThat(QuorumClusters.condition(qc, "QuorumHealthy")).contains("False");
              assertThat(leaderId(qc)).as("a frozen follower moves no leader").isEqualTo(leader);
            });

    local.runtime().kubelet().thaw("default", followerPod);

    await()
        .atMost(SHOWS_UP)
        .untilAsserted(
            () -> {
              GenericKubernetesResource qc = local.cluster("orders");
              assertThat(member(qc, followerId).get("health")).isEqualTo("CaughtUp");
              assertThat(number(quorum(qc, "faultTolerance"))).isEqualTo(1);
              assertThat(QuorumClusters.condition(qc, "QuorumHealthy")).contains("True");
            });
  }

  private static void awaitFullTolerance() {
    await()
        .atMost(LocalRuntimeExtension.READY_TIMEOUT)
        .untilAsserted(
            () -> {
              GenericKubernetesResource qc = local.cluster("orders");
              assertThat(members(qc)).hasSize(3);
              assertThat(members(qc))
                  .allSatisfy(m -> assertThat(m.get("health")).isEqualTo("CaughtUp"));
              assertThat(number(quorum(qc, "faultTolerance"))).isEqualTo(1);
            });
  }

  /** LeaderChanged events about the cluster whose message matches. */
  private static List<Event> leaderChanges(Pattern message) {
    return local.client().v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> "LeaderChanged".equals(e.getReason()))
        .filter(e -> "orders".equals(e.getInvolvedObject().getName()))
        .filter(e -> message.matcher(e.getMessage()).matches())
        .toList();
  }

  private static Object quorum(GenericKubernetesResource qc, String field) {
    return QuorumClusters.at(qc, "status.quorum." + field).orElse(null);
  }

  private static int leaderId(GenericKubernetesResource qc) {
    return number(quorum(qc, "leaderId"));
  }

  private static long epoch(GenericKubernetesResource qc) {
    return ((Number) quorum(qc, "leaderEpoch")).longValue();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> members(GenericKubernetesResource qc) {
    Object members = quorum(qc, "members");
    return members == null ? List.of() : (List<Map<String, Object>>) members;
  }

  private static Map<String, Object> member(GenericKubernetesResource qc, int nodeId) {
    return members(qc).stream()
        .filter(m -> number(m.get("nodeId")) == nodeId)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no member " + nodeId + " in status"));
  }

  private static String podOf(GenericKubernetesResource qc, int nodeId) {
    return (String) member(qc, nodeId).get("pod");
  }

  private static int number(Object value) {
    assertThat(value).isInstanceOf(Number.class);
    return ((Number) value).intValue();
  }
}
