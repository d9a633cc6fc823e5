package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.quorumkeeper.local.e2e.QuorumState.Member;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Four Combined nodes, three voters and a hot spare (as examples/combined-spare.yaml): a voter's
 * node goes down, the spare takes its place, and when the node returns its pod is a spare, not a
 * voter. Ends with the metadata check of {@link TopicCreations}.
 */
@TestMethodOrder(OrderAnnotation.class)
class HotSpareE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("hot-spare", "127.0.34");

  static final String CLUSTER = "stock";
  static final Duration HEAL_TIMEOUT = Duration.ofMinutes(3);

  @Test
  @Order(1)
  void givenThreeVotersAndASpare_whenApplied_thenReadyWithTheSpareCaughtUp() {
    local.runtime().apply(ThreeVotersE2ETest.resource("hot-spare.yaml"));

    local.awaitReady(CLUSTER, 4);

    QuorumState q = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    assertThat(q.voterIds()).containsExactly(0, 1, 2);
    assertThat(q.nonVoters(3)).singleElement().extracting(Member::role).isEqualTo("Spare");
  }

  @Test
  @Order(2)
  void givenHotSpare_whenAVotersNodeGoesDown_thenTheSpareIsActivatedAndTheNodeReturnsAsSpare() {
    QuorumState before = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    Member victim = before.aFollower();
    Member spare = before.nonVoters(3).get(0);
    Set<Integer> voterCounts = new TreeSet<>();

    try (TopicCreations topics = TopicCreations.start(local.clients(CLUSTER), "voter-node-down")) {
      local.runtime().kubelet().nodeDown("default", victim.pod());

      QuorumState healed =
          local.awaitQuorum(
              CLUSTER,
              HEAL_TIMEOUT,
              q -> voterCounts.add(q.voters().size()),
              q -> {
                assertThat(q.voterIds()).contains(spare.nodeId()).doesNotContain(victim.nodeId());
                assertThat(q.voterSummary()).isEqualTo("3/3");
                assertThat(q.faultTolerance()).isEqualTo(1);
                assertThat(q.allVotersCaughtUp()).isTrue();
                assertThat(q.operation()).isEmpty();
              });
      assertThat(healed.voterIncarnations()).contains(spare.incarnation());
      assertThat(voterCounts).as("voter counts seen during the heal").isSubsetOf(2, 3);
      // the event is recorded just after the status write that ends the operation
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(local.events(CLUSTER, "SpareActivated"))
                      .singleElement()
                      .extracting(Event::getMessage)
                      .asString()
                      .contains(victim.directoryId(), spare.directoryId()));

      local.runtime().kubelet().nodeUp("default", victim.pod());

      QuorumState returned =
          local.awaitQuorum(
              CLUSTER,
              HEAL_TIMEOUT,
              q -> {
                LocalRuntimeExtension.assertHealthy(q, 3, 1);
                assertThat(q.nonVoters(victim.nodeId()))
                    .singleElement()
                    .satisfies(
                        m -> {
                          assertThat(m.role()).isEqualTo("Spare");
                          assertThat(m.health()).isEqualTo("CaughtUp");
                          assertThat(m.directoryId()).isEqualTo(victim.directoryId());
                        });
              });
      assertThat(returned.voterIncarnations()).isEqualTo(healed.voterIncarnations());
      local.awaitReady(CLUSTER, 4); // the returning pod is ready again, and so is the cluster
      assertThat(local.events(CLUSTER, "SpareActivated", "VoterAdded", "VoterRemoved")).hasSize(1);
      int acknowledged = topics.acknowledged().size();
      topics.awaitAcknowledgedMoreThan(acknowledged + 2, Duration.ofSeconds(60));
      topics.stopAndAssertEveryAcknowledgedTopicExists();
    }
  }
}
