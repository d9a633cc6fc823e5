package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.HealingMode;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The executor end to end against the mock API and a scripted quorum (examples/combined-spare). */
class HealingApiTest {

  static final Path SPARE = Path.of("../examples/combined-spare.yaml");

  ApiHarness api;
  QuorumScript quorum;

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/inventory", 3).observer(3);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenDeadVoterAndCaughtUpSpare_thenSpareActivatedRemoveFirstThenAdd() {
    api.create(SPARE);
    awaitTolerance(1);

    quorum.dead(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    await()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("inventory");
              assertThat(cr.getStatus().getOperation()).isNull();
              assertThat(cr.getStatus().getQuorum().getFaultTolerance()).isEqualTo(1);
              assertThat(events("SpareActivated"))
                  .extracting(Event::getMessage)
                  .containsExactly("done: replace unreachable voter 1/dir1 by spare 3/dir3");
            });
  }

  @Test
  void givenReportOnly_thenNothingChangesAndHealingBlockedSaysWhatWouldBeDone() {
    api.create(SPARE);
    awaitTolerance(1);
    api.client()
        .resources(QuorumCluster.class)
        .inNamespace(NAMESPACE)
        .withName("inventory")
        .edit(
            cr -> {
              cr.getSpec().getHealing().setMode(HealingMode.ReportOnly);
              return cr;
            });
    await()
        .until(
            () ->
                api.get("inventory").getMetadata().getGeneration() == 2
                    && Long.valueOf(2)
                        .equals(api.get("inventory").getStatus().getObservedGeneration()));

    quorum.dead(1);

    await()
        .untilAsserted(
            () ->
                assertThat(events("HealingBlocked"))
                    .extracting(Event::getMessage)
                    .containsExactly(
                        "would replace unreachable voter 1/dir1 by spare 3/dir3, but healing.mode is ReportOnly"));
    assertThat(condition(api.get("inventory"), Conditions.HEALING)).isEqualTo("False");
    assertThat(quorum.changes).isEmpty();
    assertThat(quorum.voterIds()).containsExactly(0, 1, 2);
  }

  @Test
  void
      givenCrashAfterKafkaCallBeforeStatusWrite_whenOperatorRestarts_thenExactlyOneChangeAndItCompletes() {
    api.create(SPARE);
    awaitTolerance(1);
    quorum.crashAfterNextChange();

    quorum.dead(1);

    await().until(() -> quorum.changes.size() >= 1);
    api.stopOperator();
    api.startOperator();

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    await().until(() -> api.get("inventory").getStatus().getOperation() == null);
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
  }

  @Test
  void givenTwoOfThreeVotersDead_thenNoChangeIsAttempted() {
    api.create(SPARE);
    awaitTolerance(1);

    quorum.dead(1).dead(2);

    await()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("inventory");
              assertThat(condition(cr, Conditions.HEALING)).isEqualTo("False");
              assertThat(
                      Conditions.find(cr.getStatus().getConditions(), Conditions.HEALING)
                          .get()
                          .getReason())
                  .isEqualTo("Waiting");
            });
    assertThat(quorum.changes).isEmpty();
  }

  @Test
  void givenDeadVoterOnPodStuckTerminatingPastGraceAndNoSpare_thenThePodIsDeleted() {
    QuorumScript orders = ordersAtFullTolerance();
    // A finalizer keeps the deleted pod Terminating, as a kubelet on a dead node would.
    api.client()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("orders-node-1")
                .withNamespace(NAMESPACE)
                .addToLabels("quorumkeeper.io/cluster", "orders")
                .addToFinalizers("test.quorumkeeper.io/stuck")
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
    api.client().pods().inNamespace(NAMESPACE).withName("orders-node-1").delete();
    api.drainOperatorCalls();

    orders.dead(1);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(events("StrandedPodDeleted")).hasSize(1));
    assertThat(api.drainOperatorCalls())
        .anySatisfy(
            c -> {
              assertThat(c.method()).isEqualTo("DELETE");
              assertThat(c.path()).endsWith("/pods/orders-node-1");
            });
    assertThat(orders.changes).isEmpty();
  }

  @Test
  void givenDeadVoterOnANotReadyNodePastGraceAndNoSpare_thenThePodIsDeleted() {
    QuorumScript orders = ordersAtFullTolerance();
    api.client()
        .resource(
            new NodeBuilder(node("node-b", "b"))
                .withNewStatus()
                .addNewCondition()
                .withType("Ready")
                .withStatus("Unknown")
                .withLastTransitionTime(Instant.now().minusSeconds(60).toString())
                .endCondition()
                .endStatus()
                .build())
        .create();
    api.client().resource(runningPod("orders-node-1", "orders", "node-b")).create();
    api.drainOperatorCalls();

    orders.dead(1);

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(events("StrandedPodDeleted"))
                    .extracting(Event::getMessage)
                    .singleElement()
                    .asString()
                    .startsWith("orders-node-1: voter 1 is stranded for"));
    assertThat(api.drainOperatorCalls())
        .anySatisfy(
            c -> {
              assertThat(c.method()).isEqualTo("DELETE");
              assertThat(c.path()).endsWith("/pods/orders-node-1");
            });
    assertThat(api.client().pods().inNamespace(NAMESPACE).withName("orders-node-1").get()).isNull();
    assertThat(orders.changes).isEmpty();
  }

  @Test
  void
      givenVotersAndPodsLowered_thenSilentVotersGoFirst_andPodsShrinkOnlyAfterTheirVotersAreRemoved() {
    QuorumScript five = api.quorum().script(NAMESPACE + "/orders", 5);
    five.partitions = List::of; // no partition holds the pods to go (BrokerScaleDownApiTest)
    QuorumCluster cr = api.read(Path.of("../examples/combined.yaml"));
    cr.getSpec().getControllers().setReplicas(5);
    cr.getSpec().getControllers().setVoters(5);
    api.client().resource(cr).create();
    await()
        .ignoreExceptions()
        .until(() -> api.get("orders").getStatus().getQuorum().getFaultTolerance() == 2);
    five.dead(1).dead(2); // removing 4 or 3 now would leave no caught-up majority
    await().until(() -> api.get("orders").getStatus().getQuorum().getFaultTolerance() == 0);

    api.client()
        .resources(QuorumCluster.class)
        .inNamespace(NAMESPACE)
        .withName("orders")
        .edit(
            c -> {
              c.getSpec().getControllers().setReplicas(3);
              c.getSpec().getControllers().setVoters(3);
              return c;
            });

    // The silent voters go first (ADR 040): removing them takes no live voter away, and the
    // quorum of 0, 3 and 4 tolerates a failure again; a live voter on a pod the spec drops would
    // leave no caught-up majority. No pod goes while 3 and 4 still vote.
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(five.changes).containsExactly("remove 2/dir2", "remove 1/dir1"));
    await().until(() -> api.get("orders").getStatus().getQuorum().getFaultTolerance() == 1);
    assertThat(nodePoolReplicas()).isEqualTo(5);

    five.alive(1).alive(2).observer(1).observer(2); // back, fetching as observers
    await().atMost(Duration.ofSeconds(30)).until(() -> nodePoolReplicas() == 3);
    assertThat(five.voterIds()).containsExactlyInAnyOrder(0, 1, 2);
    assertThat(five.changes.subList(2, five.changes.size()))
        .as("each voter on a dropped pod hands over to a returning one, add first")
        .hasSize(4)
        .filteredOn(c -> c.startsWith("remove"))
        .allSatisfy(c -> assertThat(c).matches("remove [34]/dir[34]"));
  }

  @Test
  void givenTwoCaughtUpSpares_whenAVoterDies_thenTheSpareInAZoneWithoutAVoterIsActivated() {
    QuorumScript zoned = api.quorum().script(NAMESPACE + "/orders", 3).observer(3).observer(4);
    QuorumCluster cr = api.read(Path.of("../examples/combined.yaml"));
    cr.getSpec().getControllers().setReplicas(5);
    cr.getSpec().getControllers().setVoters(3);
    api.client().resource(cr).create();
    String[] zones = {"a", "b", "c", "a", "c"};
    for (int ordinal = 0; ordinal < 5; ordinal++) {
      api.client().resource(node("node-" + ordinal, zones[ordinal])).create();
      api.client()
          .resource(runningPod("orders-node-" + ordinal, "orders", "node-" + ordinal))
          .create();
    }
    await()
        .ignoreExceptions()
        .until(() -> api.get("orders").getStatus().getQuorum().getFaultTolerance() == 1);

    zoned.dead(2); // zone c: the voters left are in a and b; spare 3 is in a, spare 4 in c

    await().atMost(Duration.ofSeconds(20)).until(() -> zoned.voterIds().equals(List.of(0, 1, 4)));
    assertThat(zoned.changes).containsExactly("remove 2/dir2", "add 4/dir4");
  }

  /** examples/combined.yaml with three scripted voters, once status shows it tolerates one. */
  private QuorumScript ordersAtFullTolerance() {
    QuorumScript orders = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(Path.of("../examples/combined.yaml"));
    await()
        .ignoreExceptions()
        .until(() -> api.get("orders").getStatus().getQuorum().getFaultTolerance() == 1);
    return orders;
  }

  private int nodePoolReplicas() {
    return api.client()
        .apps()
        .statefulSets()
        .inNamespace(NAMESPACE)
        .withName("orders-node")
        .get()
        .getSpec()
        .getReplicas();
  }

  static Node node(String name, String zone) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels("topology.kubernetes.io/zone", zone)
        .endMetadata()
        .build();
  }

  static Pod runningPod(String name, String cluster, String node) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NAMESPACE)
        .addToLabels("quorumkeeper.io/cluster", cluster)
        .endMetadata()
        .withNewSpec()
        .withNodeName(node)
        .endSpec()
        .withNewStatus()
        .withPhase("Running")
        .endStatus()
        .build();
  }

  private void awaitTolerance(int tolerance) {
    await()
        .ignoreExceptions()
        .until(() -> api.get("inventory").getStatus().getQuorum().getFaultTolerance() == tolerance);
  }

  private List<Event> events(String reason) {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
