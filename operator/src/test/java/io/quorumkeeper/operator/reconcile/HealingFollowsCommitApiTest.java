package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.config.OperatorSettings;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each step of a heal follows Kafka's answer to the previous one or the moment the clock makes it
 * due, not the observation clock (issue 15). The periodic observation here runs once an hour, so
 * every step below comes from an observation the operator asked for itself: at once after a
 * confirmed change, shortly after a refused one, and when a silent voter's unreachableAfter runs
 * out. Without them each heal would stop until the next hourly poll.
 */
class HealingFollowsCommitApiTest {

  static final OperatorSettings HOURLY =
      ApiHarness.SETTINGS.withObservation(
          new OperatorSettings.Observation(
              Duration.ofHours(1),
              Duration.ofSeconds(3),
              2,
              Duration.ofSeconds(2),
              Duration.ofSeconds(30)));

  @AutoClose final ApiHarness api = ApiHarness.start(Clock.systemUTC(), HOURLY);

  @Test
  void givenADeadVoterAndACaughtUpSpare_thenRemoveAddAndDoneFollowEachOtherWithoutATick() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/inventory", 3).observer(3).dead(1);

    api.create(HealingApiTest.SPARE);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(quorum.voterIds()).isEqualTo(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    awaitHealed();
  }

  @Test
  void givenAnAddKafkaRefusedBeforeAppending_thenItIsSentAgainWithinASecondNotAfterTheSettleTime() {
    QuorumScript quorum =
        api.quorum().script(NAMESPACE + "/inventory", 3).observer(3).dead(1).refuseAdds(1);

    api.create(HealingApiTest.SPARE);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(quorum.voterIds()).isEqualTo(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(quorum.addAttempts).hasSize(2);
    long resentAfter = quorum.addAttempts.get(1) - quorum.addAttempts.get(0);
    assertThat(TimeUnit.NANOSECONDS.toMillis(resentAfter))
        .as("the refused add is sent again at the observation asked for after it")
        .isBetween(Healing.RESEND_REFUSED_AFTER.toMillis() - 100, 5_000L);
    awaitHealed();
  }

  /**
   * A refusal that never clears (the leader cannot reach the new voter) is sent again after a
   * back-off that doubles with each refusal in a row, up to {@link Healing#RESEND_AFTER} (ADR 046):
   * it was sent four times a second for ever, each send a status write.
   */
  @Test
  void givenAnAddKafkaKeepsRefusing_thenEachResendWaitsTwiceAsLongAsTheOneBefore() {
    QuorumScript quorum =
        api.quorum().script(NAMESPACE + "/inventory", 3).observer(3).dead(1).refuseAdds(1_000);

    api.create(HealingApiTest.SPARE);

    await().atMost(Duration.ofSeconds(40)).until(() -> quorum.addAttempts.size() >= 6);
    List<Long> gaps = new java.util.ArrayList<>();
    for (int i = 1; i < 6; i++) {
      gaps.add(
          TimeUnit.NANOSECONDS.toMillis(quorum.addAttempts.get(i) - quorum.addAttempts.get(i - 1)));
    }
    for (int i = 0; i < gaps.size(); i++) {
      assertThat(gaps.get(i))
          .as("resend %d after %s", i + 1, gaps)
          .isGreaterThanOrEqualTo((Healing.RESEND_REFUSED_AFTER.toMillis() << i) - 100);
    }
    assertThat(quorum.voterIds()).as("never added while refused").isEqualTo(List.of(0, 2));
  }

  @Test
  void givenAVoterFallingSilent_thenItsSpareTakesOverWhenUnreachableAfterRunsOutNotBefore() {
    long silentFrom = System.currentTimeMillis();
    QuorumScript quorum =
        api.quorum().script(NAMESPACE + "/inventory", 3).observer(3).silentSince(1, silentFrom);
    QuorumCluster cr = api.read(HealingApiTest.SPARE);
    cr.getSpec().getHealing().setUnreachableAfter("5s");

    api.client().resource(cr).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(quorum.voterIds()).isEqualTo(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(quorum.changedAt.get("remove 1/dir1") - silentFrom)
        .as("the voter is removed once silent for unreachableAfter, and soon after")
        .isBetween(5_000L, 10_000L);
    awaitHealed();
  }

  /**
   * A wiped voter's pod comes back: its agent reports the new disk at once, its Kafka fetches as a
   * new incarnation only seconds later (format, then Kafka's start), after the pod change's own
   * burst of observations has ended. The operator keeps observing every 250 ms while it waits, so
   * the replacement follows the catch-up and not the next (hourly, here) tick.
   */
  @Test
  void givenAVoterLostItsDisk_thenTheReplacementFollowsItsNewIncarnationWithoutATick() {
    String cluster = NAMESPACE + "/orders";
    QuorumScript quorum = ordersAtFullTolerance(cluster);

    quorum.agents.put(1, new AgentReport(1, "dir1new", null, null, null));
    int before = api.quorum().describes(cluster);
    api.createPodFromTemplate("orders-node", "orders-node-1", "orders");
    api.podReady("orders-node-1"); // the launcher and the agent run; Kafka starts later

    awaitObservedBeyondThePodsOwnBursts(() -> api.quorum().describes(cluster), before);
    assertThat(quorum.changes).as("nothing to replace it with yet").isEmpty();

    // Once removed, the wiped incarnation does not fetch as an observer as a live removed voter
    // would.
    quorum.whenChanged("remove 1/dir1", s -> s.gone(1, "dir1"));
    quorum.observer(1, "dir1new");

    await()
        .atMost(Duration.ofSeconds(8)) // the tick is hourly
        .untilAsserted(
            () -> assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 1/dir1new"));
  }

  /**
   * As Kafka's leader does, the fake keeps reporting the wiped incarnation after its removal, with
   * the times of its last fetch and catch-up: just after a fast replacement it looks fresh and
   * caught up. The replacement is made once and never undone (ADR 021), with or without the agent's
   * word on the disk.
   */
  @ParameterizedTest(name = "agent answers: {0}")
  @ValueSource(booleans = {true, false})
  void givenAVoterLostItsDisk_whenKafkaStillListsTheOldDisk_thenTheReplacementIsNeverUndone(
      boolean agentAnswers) {
    String cluster = NAMESPACE + "/orders";
    QuorumScript quorum = ordersAtFullTolerance(cluster);

    if (agentAnswers) {
      quorum.agents.put(1, new AgentReport(1, "dir1new", null, null, null));
    }
    quorum.stopped(1, "dir1", System.currentTimeMillis()).observer(1, "dir1new");
    api.createPodFromTemplate("orders-node", "orders-node-1", "orders"); // observed every 250 ms
    api.podReady("orders-node-1");

    await()
        .atMost(Duration.ofSeconds(8)) // the tick is hourly
        .untilAsserted(
            () -> assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 1/dir1new"));
    int after = api.quorum().describes(cluster);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> api.quorum().describes(cluster) - after >= 6);
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 1/dir1new");
    await()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(api.get("orders").getStatus().getQuorum().getMembers())
                    .extracting(m -> m.getDirectoryId() + " " + m.getRole())
                    .contains("dir1new Follower", "dir1 Retired"));
  }

  /**
   * A new cluster's first leader is elected seconds after its pods start, and Ready waits for the
   * operator to see it (issue 15, Create → Ready). While the pods run and no leader was ever seen,
   * the operator keeps observing every 250 ms, so the leader reaches status without waiting for the
   * next (hourly, here) tick.
   */
  @Test
  void givenANewClustersPodsRunning_thenItsFirstLeaderReachesStatusWithoutATick() {
    String cluster = NAMESPACE + "/orders";
    QuorumScript quorum = api.quorum().script(cluster, 3).noLeader(true).agentsKnowNoLeader();
    api.create(java.nio.file.Path.of("../examples/combined.yaml"));
    for (int i = 0; i < 3; i++) {
      String pod = "orders-node-" + i;
      await()
          .ignoreExceptions()
          .untilAsserted(() -> api.createPodFromTemplate("orders-node", pod, "orders"));
      api.podReady(pod);
    }
    // (before a first leader the rounds ask the agents only: FirstLeaderObservationApiTest)
    awaitObservedBeyondThePodsOwnBursts(quorum.agentRounds::get, quorum.agentRounds.get());
    assertThat(api.get("orders").getStatus().getBootstrap().isFormed()).isFalse();

    // node 0 is elected: the agents know it, and Kafka describes the quorum
    quorum.agentsKnow(0, 1).noLeader(false);

    await()
        .atMost(Duration.ofSeconds(8)) // the tick is hourly
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var status = api.get("orders").getStatus();
              assertThat(status.getQuorum().getLeaderId()).isEqualTo(0);
              assertThat(status.getBootstrap().isFormed()).isTrue();
            });
  }

  /** examples/combined.yaml on three scripted voters, once status shows it tolerates one. */
  private QuorumScript ordersAtFullTolerance(String cluster) {
    QuorumScript quorum = api.quorum().script(cluster, 3);
    api.create(java.nio.file.Path.of("../examples/combined.yaml"));
    await()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(api.get("orders").getStatus().getQuorum().getFaultTolerance())
                    .isEqualTo(1));
    return quorum;
  }

  /**
   * Until the cluster was observed more often, since {@code before} (by {@code rounds}: Kafka's
   * describes, or the agents' rounds before a first leader), than two of a pod change's own bursts
   * would: the observing goes on past them (the tick here is hourly).
   */
  private void awaitObservedBeyondThePodsOwnBursts(IntSupplier rounds, int before) {
    await()
        .atMost(Duration.ofSeconds(20))
        .alias("observed beyond the pods' own bursts of " + QuorumObservation.BURST_FOR)
        .until(
            () ->
                rounds.getAsInt() - before
                    > 2 * QuorumObservation.BURST_FOR.dividedBy(QuorumObservation.BURST_EVERY));
  }

  private void awaitHealed() {
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
