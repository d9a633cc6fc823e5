package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.quorumkeeper.local.e2e.QuorumState.Member;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Healing a three-voter Combined cluster without spares (docs/design.md section 6): a voter whose
 * volume was wiped, follower then leader, comes back under the same node id with a new directory id
 * and is swapped in for its old incarnation; with two of three voters down nothing is changed until
 * they return. Each case ends with the metadata check of {@link TopicCreations}. One runtime for
 * the class, the cases in order, each starting from the healthy quorum the previous one left.
 */
@TestMethodOrder(OrderAnnotation.class)
class ThreeVotersE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("three-voters", "127.0.33");

  static final String CLUSTER = "ledger";
  static final Duration HEAL_TIMEOUT = Duration.ofMinutes(3);
  static final List<String> MEMBERSHIP_CHANGES =
      List.of(
          "VoterAdded", "VoterRemoved", "VoterReplaced", "SpareActivated", "StrandedPodDeleted");

  @Test
  @Order(1)
  void givenThreeVoters_whenApplied_thenReadyAndToleratingOneFailure() {
    local.runtime().apply(resource("three-voters.yaml"));

    local.awaitReady(CLUSTER, 3);

    QuorumState q = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    assertThat(q.voterIds()).containsExactly(0, 1, 2);
  }

  @Test
  @Order(2)
  void givenHealthyQuorum_whenAFollowersVolumeIsWiped_thenItsNewIncarnationReplacesTheOldOne() {
    Member follower = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT).aFollower();

    wipeAndAwaitSameIdReplacement(follower, "wiped-follower");
  }

  @Test
  @Order(3)
  void givenHealthyQuorum_whenTheLeadersVolumeIsWiped_thenItsNewIncarnationReplacesTheOldOne() {
    Member leader = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT).leader();

    wipeAndAwaitSameIdReplacement(leader, "wiped-leader");
  }

  @Test
  @Order(4)
  void
      givenThreeVoters_whenTwoNodesGoDown_thenQuorumLostNothingChangesAndItRecoversOnTheirReturn() {
    QuorumState before = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
    List<Member> down = List.of(before.leader(), before.aFollower());
    int changesBefore = local.events(CLUSTER, MEMBERSHIP_CHANGES.toArray(String[]::new)).size();
    int restoredBefore = local.events(CLUSTER, "QuorumRestored").size();
    Map<String, String> podUids = podUids();

    try (TopicCreations topics = TopicCreations.start(local.clients(CLUSTER), "two-down")) {
      down.forEach(m -> local.runtime().kubelet().nodeDown("default", m.pod()));

      await()
          .atMost(Duration.ofMinutes(2))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                assertThat(local.events(CLUSTER, "QuorumLost")).isNotEmpty();
                assertThat(local.condition(CLUSTER, "QuorumHealthy"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.get("status")).isEqualTo("False");
                          assertThat(c.get("reason")).isEqualTo("NoLeader");
                        });
                assertThat(local.quorum(CLUSTER).leaderId()).isNull();
              });
      // Longer than unreachableAfter (10s): every reason to act is there, and no step is safe.
      await()
          .during(Duration.ofSeconds(25))
          .atMost(Duration.ofSeconds(40))
          .pollInterval(Duration.ofSeconds(1))
          .untilAsserted(
              () -> {
                QuorumState q = local.quorum(CLUSTER);
                assertThat(q.operation()).isEmpty();
                assertThat(q.voterIncarnations()).isEqualTo(before.voterIncarnations());
                assertThat(local.events(CLUSTER, MEMBERSHIP_CHANGES.toArray(String[]::new)))
                    .hasSize(changesBefore);
                assertThat(podUids()).isEqualTo(podUids);
              });

      down.forEach(m -> local.runtime().kubelet().nodeUp("default", m.pod()));

      QuorumState after = local.awaitHealthyQuorum(CLUSTER, 3, 1, HEAL_TIMEOUT);
      assertThat(after.voterIncarnations()).isEqualTo(before.voterIncarnations());
      local.awaitReady(CLUSTER, 3);
      // the event is recorded just after the status write that ends the operation
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(local.events(CLUSTER, "QuorumRestored"))
                      .hasSizeGreaterThan(restoredBefore));
      assertThat(local.events(CLUSTER, MEMBERSHIP_CHANGES.toArray(String[]::new)))
          .hasSize(changesBefore);
      assertThat(podUids()).isEqualTo(podUids);
      int acknowledged = topics.acknowledged().size();
      topics.awaitAcknowledgedMoreThan(acknowledged + 2, Duration.ofSeconds(60));
      topics.stopAndAssertEveryAcknowledgedTopicExists();
    }
  }

  /**
   * Wipes the volume of {@code victim}'s pod while topics are being created, then waits until its
   * new incarnation (same node id, new directory id) has replaced the old one in the voter set, the
   * quorum tolerates one failure again, and a VoterReplaced event says so.
   */
  private static void wipeAndAwaitSameIdReplacement(Member victim, String topicPrefix) {
    int replacedBefore = local.events(CLUSTER, "VoterReplaced").size();
    Set<Integer> voterCounts = new TreeSet<>();

    try (TopicCreations topics = TopicCreations.start(local.clients(CLUSTER), topicPrefix)) {
      local.runtime().kubelet().wipe("default", victim.pod());

      QuorumState healed =
          local.awaitQuorum(
              CLUSTER,
              HEAL_TIMEOUT,
              q -> voterCounts.add(q.voters().size()),
              q -> {
                assertThat(q.voter(victim.nodeId()))
                    .hasValueSatisfying(
                        m -> assertThat(m.directoryId()).isNotEqualTo(victim.directoryId()));
                assertThat(q.voterSummary()).isEqualTo("3/3");
                assertThat(q.faultTolerance()).isEqualTo(1);
                assertThat(q.allVotersCaughtUp()).isTrue();
                assertThat(q.operation()).isEmpty();
              });

      String reborn = healed.voter(victim.nodeId()).orElseThrow().directoryId();
      local.awaitReady(CLUSTER, 3);
      assertThat(healed.voterIncarnations()).hasSize(3).doesNotContain(victim.incarnation());
      assertThat(voterCounts).as("voter counts seen during the heal").isSubsetOf(2, 3);
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(local.agentNode(CLUSTER, victim.pod()).path("directoryId").asText())
                      .isEqualTo(reborn));
      // the event is recorded just after the status write that ends the operation
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(local.events(CLUSTER, "VoterReplaced"))
                      .hasSize(replacedBefore + 1)
                      .last()
                      .extracting(Event::getMessage)
                      .asString()
                      .contains(victim.directoryId(), reborn));
      int acknowledged = topics.acknowledged().size();
      topics.awaitAcknowledgedMoreThan(acknowledged + 2, Duration.ofSeconds(60));
      topics.stopAndAssertEveryAcknowledgedTopicExists();
    }
  }

  private static Map<String, String> podUids() {
    return local.pods().stream()
        .collect(
            Collectors.toMap(p -> p.getMetadata().getName(), (Pod p) -> p.getMetadata().getUid()));
  }

  static Path resource(String name) {
    return Path.of("src/test/resources", name).toAbsolutePath();
  }
}
