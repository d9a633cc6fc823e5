package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.quorumkeeper.local.e2e.QuorumState.Member;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seven Combined nodes, five voters and two hot spares: the leader's node and a follower's node go
 * down at once; the operator replaces them one at a time with the spares (never more than one voter
 * change in flight), the quorum tolerates two failures again, and the returning pods are spares.
 * Ends with the metadata check of {@link TopicCreations}.
 */
@TestMethodOrder(OrderAnnotation.class)
class FiveVotersE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("five-voters", "127.0.35");

  static final String CLUSTER = "fleet";
  static final Duration HEAL_TIMEOUT = Duration.ofMinutes(4);

  @Test
  @Order(1)
  void givenFiveVotersAndTwoSpares_whenApplied_thenReadyAndToleratingTwoFailures() {
    local.runtime().apply(ThreeVotersE2ETest.resource("five-voters.yaml"));

    local.awaitReady(CLUSTER, 7);

    QuorumState q = local.awaitHealthyQuorum(CLUSTER, 5, 2, HEAL_TIMEOUT);
    assertThat(q.voterIds()).containsExactly(0, 1, 2, 3, 4);
    assertThat(q.members())
        .filteredOn(m -> "Spare".equals(m.role()))
        .extracting(Member::nodeId)
        .containsExactlyInAnyOrder(5, 6);
  }

  @Test
  @Order(2)
  void givenTwoSpares_whenTwoVotersNodesGoDownAtOnce_thenBothAreReplacedInTurnAndReturnAsSpares() {
    QuorumState before = local.awaitHealthyQuorum(CLUSTER, 5, 2, HEAL_TIMEOUT);
    List<Member> down = List.of(before.leader(), before.aFollower());
    Set<Integer> voterCounts = new TreeSet<>();
    Set<Integer> expectedVoters = new TreeSet<>(before.voterIds());
    down.forEach(m -> expectedVoters.remove(m.nodeId()));
    expectedVoters.addAll(List.of(5, 6));

    try (TopicCreations topics =
        TopicCreations.start(local.clients(CLUSTER), "two-voter-nodes-down")) {
      down.forEach(m -> local.runtime().kubelet().nodeDown("default", m.pod()));

      QuorumState healed =
          local.awaitQuorum(
              CLUSTER,
              HEAL_TIMEOUT,
              q -> voterCounts.add(q.voters().size()),
              q -> {
                assertThat(q.voterIds()).isEqualTo(expectedVoters);
                assertThat(q.voterSummary()).isEqualTo("5/5");
                assertThat(q.faultTolerance()).isEqualTo(2);
                assertThat(q.allVotersCaughtUp()).isTrue();
                assertThat(q.operation()).isEmpty();
              });
      assertThat(voterCounts).as("voter counts seen during the heal").isSubsetOf(4, 5);
      // the event is recorded just after the status write that ends the operation
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(local.events(CLUSTER, "SpareActivated"))
                      .hasSize(2)
                      .extracting(Event::getMessage)
                      .anySatisfy(
                          message -> assertThat(message).contains(down.get(0).directoryId()))
                      .anySatisfy(
                          message -> assertThat(message).contains(down.get(1).directoryId())));

      down.forEach(m -> local.runtime().kubelet().nodeUp("default", m.pod()));

      QuorumState returned =
          local.awaitQuorum(
              CLUSTER,
              HEAL_TIMEOUT,
              q -> {
                LocalRuntimeExtension.assertHealthy(q, 5, 2);
                for (Member m : down) {
                  assertThat(q.nonVoters(m.nodeId()))
                      .singleElement()
                      .satisfies(
                          spare -> {
                            assertThat(spare.role()).isEqualTo("Spare");
                            assertThat(spare.health()).isEqualTo("CaughtUp");
                          });
                }
              });
      assertThat(returned.voterIncarnations()).isEqualTo(healed.voterIncarnations());
      local.awaitReady(CLUSTER, 7); // the returning pods are ready again, and so is the cluster
      assertThat(local.events(CLUSTER, "SpareActivated", "VoterAdded", "VoterRemoved")).hasSize(2);
      int acknowledged = topics.acknowledged().size();
      topics.awaitAcknowledgedMoreThan(acknowledged + 2, Duration.ofSeconds(60));
      topics.stopAndAssertEveryAcknowledgedTopicExists();
    }
  }
}
