package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.quorum.Action;
import io.quorumkeeper.operator.quorum.HealingPlanner;
import io.quorumkeeper.operator.quorum.HealingPolicy;
import io.quorumkeeper.operator.quorum.Health;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.Operation;
import io.quorumkeeper.operator.quorum.QuorumAssessor;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.Role;
import io.quorumkeeper.operator.testing.KraftNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * The healing planner driving real voter changes through the Admin quorum client, on four real
 * controllers (three voters, one hot spare) started from the operator's rendered ConfigMap. The
 * cases run in order on one cluster, each starting from where the previous one left it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(HealingKraftTest.DumpLogsOnFailure.class)
class HealingKraftTest {

  static final String CLUSTER = "kafka/hk";
  static final QuorumAssessor ASSESSOR =
      new QuorumAssessor(Duration.ofSeconds(2), Duration.ofSeconds(4));
  static final HealingPolicy AUTO =
      HealingPolicy.auto(3).withUnreachableAfter(Duration.ofSeconds(4));

  @TempDir static Path root;
  static KraftNodes nodes;
  static Pool pool;
  static AdminQuorumClient client;
  static final List<String> changes = new ArrayList<>();
  static final List<Integer> voterCounts = new ArrayList<>();

  @BeforeAll
  static void startThreeVotersAndASpare() throws Exception {
    nodes = KraftNodes.fromExample(root, "combined-spare.yaml", "hk");
    pool = nodes.pool();
    for (int ordinal = 0; ordinal < 4; ordinal++) {
      nodes.start(ordinal);
    }
    client = new AdminQuorumClient(Duration.ofSeconds(3));
    awaitToleranceAndCaughtUpSpares(3);
  }

  /** Until one voter may fail and each of {@code spares} is a caught-up spare. */
  private static QuorumView awaitToleranceAndCaughtUpSpares(int... spares) {
    return awaitView(
        Duration.ofSeconds(120),
        v ->
            v.faultTolerance() == 1
                && java.util.Arrays.stream(spares)
                    .allMatch(
                        id -> spare(v, id).map(m -> m.health() == Health.CaughtUp).orElse(false)));
  }

  /** Until the operator's view of the quorum, as Kafka describes it, passes {@code until}. */
  private static QuorumView awaitView(
      Duration atMost, java.util.function.Predicate<QuorumView> until) {
    return await().atMost(atMost).ignoreExceptions().until(() -> view().orElseThrow(), until::test);
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
  @Order(1)
  void givenVoterKilled_thenSpareActivatedAndTheOldPodReturnsAsSpare() {
    nodes.kill(1);
    awaitHealth(1, Health.Unreachable);

    QuorumView healed = healUntilNothingToDo();

    assertThat(voterIds(healed)).containsExactly(0, 2, 3);
    assertThat(healed.faultTolerance()).isEqualTo(1);
    assertThat(changes).hasSize(2);
    assertThat(changes.get(0)).startsWith("remove 1/");
    assertThat(changes.get(1)).startsWith("add 3/");

    nodes.start(1);

    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(
            () ->
                spare(view().orElseThrow(), 1)
                    .map(m -> m.health() == Health.CaughtUp)
                    .orElse(false));
  }

  @Test
  @Order(2)
  void givenVoterDiskWiped_thenSameIdReplacedByItsNewIncarnation() throws Exception {
    String oldDirectory = member(view().orElseThrow(), 2).directoryId();
    changes.clear();

    nodes.kill(2);
    nodes.wipe(2);
    nodes.start(2);
    awaitHealth(2, Health.DiskLost);

    QuorumView healed = healUntilNothingToDo();

    Member reborn = member(healed, 2);
    assertThat(reborn.isVoter()).isTrue();
    assertThat(reborn.directoryId()).isNotEqualTo(oldDirectory);
    assertThat(voterIds(healed)).containsExactly(0, 2, 3);
    assertThat(changes)
        .containsExactly("remove 2/" + oldDirectory, "add 2/" + reborn.directoryId());
  }

  @Test
  @Order(3)
  void givenAnotherVoterDead_thenRemovingALiveVoterIsRefusedBeforeKafkaIsAsked() {
    nodes.kill(3);
    try {
      // on a busy machine the live follower can lag a moment when its peer dies: wait for both
      QuorumView degraded =
          awaitView(
              Duration.ofSeconds(60),
              v ->
                  member(v, 3).health() == Health.Unreachable
                      && v.voterMembers().stream().anyMatch(HealingKraftTest::liveFollower));

      int liveFollower =
          degraded.voterMembers().stream()
              .filter(HealingKraftTest::liveFollower)
              .findFirst()
              .orElseThrow()
              .nodeId();

      assertThat(
              HealingPlanner.safeToRemove(degraded, Incarnation.of(member(degraded, liveFollower))))
          .isFalse();
    } finally {
      nodes.start(3); // the next tests need it, whatever this one found
    }
  }

  private static boolean liveFollower(Member m) {
    return m.role() == Role.Follower && m.health() == Health.CaughtUp;
  }

  @Test
  @Order(4)
  void givenVotersRaisedToFiveThenLoweredToThree_thenOneChangeAtATimeAndNeverAnUnsafeCount()
      throws Exception {
    nodes.start(4);
    awaitToleranceAndCaughtUpSpares(1, 4);
    changes.clear();
    voterCounts.clear();

    QuorumView five =
        healUntilNothingToDo(HealingPolicy.auto(5).withUnreachableAfter(Duration.ofSeconds(4)), 2);

    assertThat(voterIds(five)).containsExactly(0, 1, 2, 3, 4);
    assertThat(changes).hasSize(2).allMatch(c -> c.startsWith("add "));
    assertThat(changes.get(0)).startsWith("add 1/");
    assertThat(changes.get(1)).startsWith("add 4/");

    // voters 3 with pods 0-2 kept: node ids 3 and 4 retire, followers before the leader
    changes.clear();
    QuorumView three =
        healUntilNothingToDo(
            HealingPolicy.auto(3)
                .withUnreachableAfter(Duration.ofSeconds(4))
                .withRetiring(java.util.Set.of(3, 4)),
            1);

    assertThat(voterIds(three)).containsExactly(0, 1, 2);
    assertThat(changes).hasSize(2).allMatch(c -> c.startsWith("remove "));
    assertThat(changes).anyMatch(c -> c.startsWith("remove 3/"));
    assertThat(changes).anyMatch(c -> c.startsWith("remove 4/"));
    // each step moved the voter count by one, between 3 and 5, as Kafka reported it
    assertThat(voterCounts).allMatch(n -> n >= 3 && n <= 5);
    for (int i = 1; i < voterCounts.size(); i++) {
      assertThat(Math.abs(voterCounts.get(i) - voterCounts.get(i - 1))).isLessThanOrEqualTo(1);
    }
    nodes.kill(3);
    nodes.kill(4);
    assertThat(view()).hasValueSatisfying(v -> assertThat(v.voters()).isEqualTo(3));
  }

  @Test
  @Order(5)
  void
      givenExecutorCrashesAfterKafkaCallBeforeStatusWrite_whenRestarted_thenExactlyOneChangeCompletes()
          throws Exception {
    nodes.start(3); // back as a spare: its voter was removed by the scale-down
    QuorumView ready = awaitToleranceAndCaughtUpSpares(3);
    int victim =
        ready.voterMembers().stream()
            .filter(m -> m.role() == Role.Follower)
            .findFirst()
            .orElseThrow()
            .nodeId();
    nodes.kill(victim);
    awaitHealth(victim, Health.Unreachable);
    changes.clear();

    // The executor records the operation (the status write), sends it to Kafka, and dies before
    // it can record anything else: only the recorded operation survives the crash.
    Action first =
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(500))
            .ignoreExceptions()
            .until(
                () -> HealingPlanner.plan(AUTO, view(), Optional.empty()),
                a -> a instanceof Action.Membership);
    Operation recorded = ((Action.Membership) first).operation();
    send(recorded);
    assertThat(changes).containsExactly("remove " + recorded.remove());

    // A new executor starts from the recorded operation and drives it to the end.
    QuorumView healed = healUntilNothingToDo(AUTO, 1, Optional.of(recorded));

    assertThat(recorded.kind()).isEqualTo(Operation.Kind.ActivateSpare);
    assertThat(changes)
        .containsExactly("remove " + recorded.remove(), "add " + recorded.add())
        .hasSize(2);
    assertThat(voterIds(healed))
        .doesNotContain(victim)
        .contains(recorded.add().nodeId())
        .hasSize(3);
  }

  private static QuorumView healUntilNothingToDo() {
    return healUntilNothingToDo(AUTO, 1);
  }

  /** The executor's loop: observe, plan one step, send it, until the planner has nothing to do. */
  private static QuorumView healUntilNothingToDo(HealingPolicy policy, int tolerance) {
    return healUntilNothingToDo(policy, tolerance, Optional.empty());
  }

  private static QuorumView healUntilNothingToDo(
      HealingPolicy policy, int tolerance, Optional<Operation> recorded) {
    Optional<Operation>[] inFlight = new Optional[] {recorded};
    return await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .until(
            () -> {
              QuorumView v = view().orElseThrow();
              voterCounts.add(v.voters());
              Action action = HealingPlanner.plan(policy, Optional.of(v), inFlight[0]);
              if (!(action instanceof Action.Wait)) {
                System.err.println("heal: " + action);
              }
              if (action instanceof Action.Membership m) {
                send(m.operation());
                inFlight[0] = Optional.of(m.operation());
              } else if (action instanceof Action.Complete) {
                inFlight[0] = Optional.empty();
              } else if (action instanceof Action.None && v.faultTolerance() == tolerance) {
                return v;
              }
              return null;
            },
            v -> v != null);
  }

  private static void awaitHealth(int nodeId, Health health) {
    awaitView(
        Duration.ofSeconds(90),
        v -> v.voterMembers().stream().anyMatch(m -> m.nodeId() == nodeId && m.health() == health));
  }

  private static void send(Operation op) throws QuorumUnavailableException {
    String bootstrap = pool.controllerEndpoints();
    try {
      if (op.phase() == Operation.Phase.Removing) {
        client.removeVoter(CLUSTER, bootstrap, op.remove());
        changes.add("remove " + op.remove());
      } else {
        client.addVoter(CLUSTER, bootstrap, op.add(), pool.podHost(op.add().nodeId()), 9093);
        changes.add("add " + op.add());
      }
    } catch (QuorumUnavailableException e) {
      System.err.println("heal: " + op + " not confirmed: " + e.getMessage());
      throw e;
    }
  }

  static Optional<QuorumView> view() throws QuorumUnavailableException {
    return ASSESSOR.assess(
        nodes.snapshot(CLUSTER, client.describe(CLUSTER, pool.controllerEndpoints())));
  }

  private static Optional<Member> spare(QuorumView v, int nodeId) {
    return v.members().stream()
        .filter(m -> m.nodeId() == nodeId && m.role() == Role.Spare)
        .findFirst();
  }

  private static Member member(QuorumView v, int nodeId) {
    return v.members().stream()
        .filter(m -> m.nodeId() == nodeId)
        .min(java.util.Comparator.comparing(m -> !m.isVoter()))
        .orElseThrow();
  }

  private static List<Integer> voterIds(QuorumView v) {
    return v.voterMembers().stream().map(Member::nodeId).sorted().toList();
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
