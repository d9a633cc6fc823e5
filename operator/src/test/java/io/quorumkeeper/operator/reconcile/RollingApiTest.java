package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatusBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.RollStatus;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Rolling restarts end to end against the mock API and a scripted quorum (examples/combined.yaml):
 * the test plays the StatefulSet controller and the kubelet, re-creating each deleted pod from the
 * current template and making it Ready, caught up and in-sync when it says so.
 */
class RollingApiTest {

  static final Path COMBINED = Path.of("../examples/combined.yaml");
  static final Duration QUIET = Duration.ofSeconds(2);

  ApiHarness api;
  QuorumScript quorum;
  final Set<Integer> inSync = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    quorum.partitions =
        () -> List.of(new PartitionIsr("events-0", Set.of(0, 1, 2), Set.copyOf(inSync), 2));
    api.create(COMBINED);
    for (int id = 0; id < 3; id++) {
      await().ignoreExceptions().until(() -> template() != null);
      createPod(id);
      back(id);
    }
    await().until(() -> "UpToDate".equals(progressing()));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenAConfigChange_thenPodsRestartOneAtATimeEachAfterThePreviousIsBack_theLeaderLast() {
    Map<String, String> uids = uids();

    changeConfig();

    assertThat(rollOnePod()).isEqualTo(2);
    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
    assertThat(api.get("orders").getStatus().getRoll()).isNull();
    assertThat(uids()).allSatisfy((pod, uid) -> assertThat(uid).isNotEqualTo(uids.get(pod)));
    assertThat(events()).hasSize(3);
  }

  /**
   * Kafka answers the quorum view 3 s after it was asked (a struggling controller): the voters it
   * shows caught up were caught up 3 s ago, longer than the fetch timeout (2 s here), so a voter
   * that stalled since would still look caught up. No pod restarts until a view asked within the
   * fetch timeout comes, then the roll goes on.
   */
  @Test
  void givenOnlyViewsOlderThanTheFetchTimeout_thenNoControllerRestarts_untilAFreshOneComes() {
    Map<String, String> uids = uids();
    quorum.slow(Duration.ofSeconds(3));
    // one slow answer in: the operator's latest view was asked 3 s before it came
    await().until(quorum::answering);
    await().atMost(Duration.ofSeconds(10)).until(() -> !quorum.answering());

    changeConfig();

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(reason()).contains("restarts on a view asked within"));
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(7))
        .until(() -> uids().equals(uids));

    quorum.slow(Duration.ZERO);
    assertThat(rollOnePod()).isEqualTo(2);
    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
  }

  /**
   * A pod counts as back only once it has been Ready for the settling time (10 s by default): a
   * template that fails only once the pod serves then fails the pod the roll restarted, before the
   * next voter goes. The kubelet's Ready transition says since when.
   */
  @Test
  void givenARestartedPodReadyJustNow_thenTheNextWaitsUntilItHasSettled() {
    Duration settle = ApiHarness.SETTINGS.roll().settle();
    changeConfig();
    int first = awaitOneDeleted();
    createPod(first);
    api.podReadySince("orders-node-" + first, Instant.now());
    quorum.alive(first);
    inSync.add(first);
    Map<String, String> uids = uids();

    await()
        .during(settle.dividedBy(3))
        .atMost(settle.dividedBy(2))
        .until(() -> uids().equals(uids));
    assertThat(reason())
        .contains("pod orders-node-" + first + " is ready since")
        .contains("settling until");

    // Ready for the whole settling time now: the roll goes on
    api.podReadySince("orders-node-" + first, Instant.now().minus(settle));
    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
  }

  /**
   * A node drain's eviction of orders-node-0 admitted by the API, its pod not deleted yet: the
   * operator's cache still shows three Ready pods, so only the API's budget can stop a second pod
   * going. The roll's eviction is refused, no pod goes, status says why (RollBlocked), the first
   * refusal is a Normal event and the next, after the back-off, a Warning; the roll goes on once
   * the budget allows it.
   */
  @Test
  void givenADrainsEvictionAdmittedFirst_thenTheRollWaitsForTheBudget_andGoesOnOnceItAllows() {
    PodDisruptionBudget budget = budget();
    budget.setStatus(
        new PodDisruptionBudgetStatusBuilder()
            .withDisruptedPods(Map.of("orders-node-0", Instant.now().toString()))
            .build());
    api.client().resource(budget).updateStatus();
    Map<String, String> uids = uids();

    changeConfig();

    await().atMost(Duration.ofSeconds(20)).until(() -> !events("EvictionRefused").isEmpty());
    await().atMost(Duration.ofSeconds(20)).until(() -> "RollBlocked".equals(progressing()));
    assertThat(reason())
        .contains("would restart orders-node-2, but the API refused its eviction")
        .contains("The disruption budget orders-node needs 2 healthy pods and has 2 currently");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> events("EvictionRefused").stream().anyMatch(e -> "Warning".equals(e.getType())));
    // the first refusal of the run, and only it, a Normal event
    assertThat(events("EvictionRefused")).filteredOn(e -> "Normal".equals(e.getType())).hasSize(1);
    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> uids().equals(uids));
    assertThat(events()).isEmpty();

    budget = api.client().resource(budget).get();
    budget.setStatus(new PodDisruptionBudgetStatusBuilder().build());
    api.client().resource(budget).updateStatus();

    assertThat(rollOnePod()).isEqualTo(2);
    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
  }

  /**
   * A pool of one broker whose pod crash-loops (never Ready): its budget (maxUnavailable 1 of 1)
   * refuses evicting a pod that is not Ready, so the roll that must bring it a fixed config deletes
   * it instead; a pool of one has no second pod a drain could take with it.
   */
  @Test
  void givenAPoolOfOneWhosePodIsNotReady_whenTheConfigChanges_thenThePodIsRestarted() {
    QuorumScript payments = api.quorum().script(NAMESPACE + "/payments", 3);
    payments.partitions = List::of;
    QuorumCluster cr = api.read(Path.of("../examples/separated.yaml"));
    cr.getSpec().getBrokers().setReplicas(1);
    api.client().resource(cr).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> statefulSet("payments-broker") != null);
    for (int id = 0; id < 3; id++) {
      api.createPodFromTemplate("payments-controller", "payments-controller-" + id, "payments");
      api.podReady("payments-controller-" + id);
    }
    api.createPodFromTemplate("payments-broker", "payments-broker-0", "payments");
    // running and restarting, never Ready: a Pending pod would go without asking the budget
    api.podRunning("payments-broker-0", false);
    String uid = uids().get("payments-broker-0");

    api.edit("payments", c -> c.getSpec().getKafka().getConfig().put("num.partitions", "12"));

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> !uid.equals(uids().get("payments-broker-0")));
    // the event is posted after the pod is gone
    await()
        .untilAsserted(
            () ->
                assertThat(events())
                    .anySatisfy(e -> assertThat(e.getMessage()).startsWith("payments-broker-0: ")));
    assertThat(events("EvictionRefused")).isEmpty();
  }

  @Test
  void
      givenAQuorumOfOneVoter_whenTheConfigChanges_thenItsPodIsRestartedAndTheReasonSaysWhatItCosts() {
    QuorumScript single = api.quorum().script(NAMESPACE + "/single", 1);
    single.partitions = List::of;
    QuorumCluster cr = api.read(Path.of("../examples/combined.yaml"));
    cr.getMetadata().setName("single");
    cr.getSpec().getControllers().setReplicas(1);
    api.client().resource(cr).create();
    await().atMost(Duration.ofSeconds(20)).until(() -> statefulSet("single-node") != null);
    api.createPodFromTemplate("single-node", "single-node-0", "single");
    api.podReady("single-node-0");
    await()
        .ignoreExceptions()
        .until(() -> api.get("single").getStatus().getQuorum().getLeaderId() == 0);
    String uid = uids().get("single-node-0");

    api.edit("single", c -> c.getSpec().getKafka().getConfig().put("num.partitions", "12"));

    await().atMost(Duration.ofSeconds(20)).until(() -> !uid.equals(uids().get("single-node-0")));
    await()
        .untilAsserted(
            () ->
                assertThat(events())
                    .anySatisfy(
                        e ->
                            assertThat(e.getMessage())
                                .startsWith("single-node-0: ")
                                .contains("the quorum's only voter")));
  }

  @Test
  void givenPaused_thenTheRollStopsBetweenPods_andGoesOnWhenResumed() {
    changeConfig();
    int first = awaitOneDeleted();
    setAnnotation(QuorumCluster.PAUSED_ANNOTATION, "true");
    // The pod comes back only once the operator has seen the pause (the two informers race).
    await().until(() -> "True".equals(condition(api.get("orders"), Conditions.PAUSED)));
    Map<String, String> uids = recreateAndBringBack(first);

    await().until(() -> "RollBlocked".equals(progressing()));
    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> uids().equals(uids));
    assertThat(reason()).contains("would restart orders-node-1, but the cluster is paused");

    setAnnotation(QuorumCluster.PAUSED_ANNOTATION, "false");
    assertThat(awaitOneDeleted()).isEqualTo(1);
  }

  @Test
  void givenAnOperatorRestartMidRoll_thenNoPodIsRestartedTwice() {
    changeConfig();
    int first = awaitOneDeleted();
    api.stopOperator();
    recreateAndBringBack(first);
    api.startOperator();

    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
    assertThat(events()).extracting(Event::getMessage).hasSize(3).doesNotHaveDuplicates();
  }

  /**
   * A voter that is down (a crash loop, say) leaves the quorum no fault tolerance, so its pool's
   * budget allows no eviction at all (ADR 035): a config change that fixes it must still restart
   * it, by a delete, and no other pod until it is back.
   */
  @Test
  void
      givenAVoterDownUnderAClosedBudget_whenTheConfigChanges_thenItIsDeleted_andNoOtherPodUntilBack() {
    Map<String, String> uids = uids();
    quorum.dead(1);
    inSync.remove(1);
    api.podRunning("orders-node-1", false);
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> budget().getSpec().getMaxUnavailable().getIntVal() == 0);

    changeConfig();

    assertThat(awaitOneDeleted()).isEqualTo(1);
    assertThat(events("EvictionRefused")).isEmpty();
    await()
        .during(QUIET)
        .atMost(QUIET.multipliedBy(2))
        .until(
            () ->
                uids.get("orders-node-0").equals(uids().get("orders-node-0"))
                    && uids.get("orders-node-2").equals(uids().get("orders-node-2")));
    createPod(1);
    back(1);
    assertThat(rollOnePod()).isEqualTo(2);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
  }

  /**
   * Voter 1 stalls while the pass reads the partitions (seconds, on a struggling cluster): the
   * quorum view the pass planned on still shows it caught up, and evicting another voter then would
   * leave the leader alone. Kafka is asked once more just before the eviction (ADR 037): no pod
   * goes until voter 1 is caught up again, then the roll goes on.
   */
  @Test
  void givenAVoterThatStallsWhileThePartitionsAreRead_thenNoVoterIsEvicted_untilItIsBack() {
    Map<String, String> uids = uids();
    var isr = quorum.partitions;
    AtomicBoolean stalled = new AtomicBoolean();
    quorum.partitions =
        () -> {
          if (stalled.compareAndSet(false, true)) {
            quorum.dead(1); // after the observation the pass plans on, before its eviction
          }
          return isr.get();
        };

    changeConfig();

    await().atMost(Duration.ofSeconds(15)).untilTrue(stalled);
    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> uids().equals(uids));
    assertThat(events()).isEmpty();

    quorum.alive(1);
    assertThat(rollOnePod()).isEqualTo(2);
    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
  }

  private PodDisruptionBudget budget() {
    return api.client()
        .policy()
        .v1()
        .podDisruptionBudget()
        .inNamespace(NAMESPACE)
        .withName("orders-node")
        .get();
  }

  /**
   * A recorded restart far ahead of the operator's clock (a status edit, a replica whose clock ran
   * ahead) would hold the roll until then: the wait for a view newer than the restart. It holds
   * nothing: the record is done with, and a later change rolls.
   */
  @Test
  void givenARecordedRestartFarInTheFuture_thenTheRollIsNotHeldByIt() {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              cr.getStatus()
                  .setRoll(
                      new RollStatus(
                          "orders-node-2",
                          "an-older-pod",
                          "a status edit",
                          "2999-01-01T00:00:00Z"));
              api.client().resource(cr).updateStatus();
            });
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> api.get("orders").getStatus().getRoll() == null);

    changeConfig();

    assertThat(rollOnePod()).isEqualTo(2);
    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
  }

  @Test
  void givenARestartAnnotation_thenEveryPodRestartsOnce() {
    setAnnotation(Labels.RESTART, "2026-12-02T05:00:00Z");

    assertThat(rollOnePod()).isEqualTo(2);
    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
  }

  @Test
  void givenAKafkaVersionChange_thenEveryPodRollsOnce_andTheReasonNamesBothVersions() {
    assertThat(api.get("orders").getStatus().getKafka().getRunningVersions())
        .containsExactly("4.4.0");
    levelSeen(30); // a downgrade waits until the finalized level is known

    api.edit("orders", cr -> cr.getSpec().getKafka().setVersion("4.3.1"));

    assertThat(rollOnePod()).isEqualTo(2);
    await()
        .untilAsserted(
            () ->
                assertThat(api.get("orders").getStatus().getKafka().getRunningVersions())
                    .containsExactly("4.3.1", "4.4.0"));
    assertThat(rollOnePod()).isEqualTo(1);
    assertThat(rollOnePod()).isEqualTo(0);
    await().until(() -> "UpToDate".equals(progressing()));
    assertThat(events())
        .extracting(Event::getMessage)
        .hasSize(3)
        .allSatisfy(m -> assertThat(m).endsWith("Kafka version 4.4.0 -> 4.3.1"));
    await()
        .untilAsserted(
            () ->
                assertThat(api.get("orders").getStatus().getKafka().getRunningVersions())
                    .containsExactly("4.3.1"));
  }

  /** The cluster reports {@code level} finalized, and status shows it. */
  private void levelSeen(int level) {
    quorum.metadataVersion.set(level);
    await()
        .until(
            () ->
                Integer.valueOf(level)
                    .equals(api.get("orders").getStatus().getKafka().getMetadataVersionLevel()));
  }

  @Test
  void givenAnUpgradeThatRequestsAMetadataVersion_thenItIsFinalizedOnlyAfterTheLastPodRolled() {
    levelSeen(30);
    api.edit("orders", cr -> cr.getSpec().getKafka().setVersion("4.3.1"));
    for (int i = 0; i < 3; i++) {
      rollOnePod();
    }
    await().until(() -> "UpToDate".equals(progressing()));

    api.edit(
        "orders",
        cr -> {
          cr.getSpec().getKafka().setVersion("4.4.0");
          cr.getSpec().getKafka().setMetadataVersion("4.4-IV2");
        });
    for (int i = 0; i < 3; i++) {
      // Checked before each restart: after the last pod is back, finalizing is right at once.
      assertThat(quorum.metadataVersion.get()).as("finalized mid-roll").isEqualTo(30);
      rollOnePod();
    }

    await().until(() -> quorum.metadataVersion.get() == 33);
    assertThat(quorum.changes).containsExactly("metadata.version 33");
  }

  /**
   * Waits for the one pod the operator deletes, checks nothing else moves while it is not back,
   * then brings it back. Returns its node id.
   */
  private int rollOnePod() {
    int id = awaitOneDeleted();
    // Null-safe: a NullPointerException would end the wait at once instead of waiting.
    await()
        .until(
            () -> {
              var roll = api.get("orders").getStatus().getRoll();
              return roll != null && ("orders-node-" + id).equals(roll.getPod());
            });
    createPod(id); // re-created from the new template, not Ready, not caught up, not in sync
    Map<String, String> uids = uids();
    await().during(Duration.ofSeconds(1)).atMost(QUIET).until(() -> uids().equals(uids));
    assertThat(progressing()).isEqualTo("Rolling");
    back(id);
    return id;
  }

  private Map<String, String> recreateAndBringBack(int id) {
    createPod(id);
    back(id);
    return uids();
  }

  /** Exactly one of the three pods goes; returns its node id. */
  private int awaitOneDeleted() {
    await().atMost(Duration.ofSeconds(20)).until(() -> uids().size() == 2);
    List<Integer> gone = new ArrayList<>(List.of(0, 1, 2));
    gone.removeIf(id -> uids().containsKey("orders-node-" + id));
    int id = gone.get(0);
    quorum.dead(id);
    inSync.remove(id);
    if (quorum.voterIds().contains(id) && id == 0) {
      quorum.leader(2, 2); // the leader went last: a follower already on the new template leads
    }
    return id;
  }

  private void back(int id) {
    api.podReady("orders-node-" + id);
    quorum.alive(id);
    inSync.add(id);
  }

  /** A pod as the StatefulSet controller makes it: the current template's annotations. */
  private void createPod(int id) {
    api.createPodFromTemplate("orders-node", "orders-node-" + id, "orders");
  }

  private StatefulSet template() {
    return statefulSet("orders-node");
  }

  private StatefulSet statefulSet(String name) {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
  }

  private Map<String, String> uids() {
    Map<String, String> uids = new HashMap<>();
    for (Pod p : api.client().pods().inNamespace(NAMESPACE).list().getItems()) {
      uids.put(p.getMetadata().getName(), p.getMetadata().getUid());
    }
    return uids;
  }

  private void changeConfig() {
    api.edit("orders", cr -> cr.getSpec().getKafka().getConfig().put("num.partitions", "12"));
  }

  private void setAnnotation(String key, String value) {
    api.edit("orders", cr -> cr.getMetadata().getAnnotations().put(key, value));
  }

  private String progressing() {
    QuorumCluster cr = api.get("orders");
    return cr.getStatus() == null
        ? null
        : Conditions.find(cr.getStatus().getConditions(), Conditions.PROGRESSING)
            .map(c -> c.getReason())
            .orElse(null);
  }

  private String reason() {
    return Conditions.find(api.get("orders").getStatus().getConditions(), Conditions.PROGRESSING)
        .get()
        .getMessage();
  }

  private List<Event> events() {
    return events("RollingRestart");
  }

  private List<Event> events(String reason) {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
