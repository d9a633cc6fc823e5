package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.OperationStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.quorum.Action;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * Healing when its facts go stale (issue 11): a status write refused after a Kafka call, an
 * unreadable status.operation, a new voter that dies mid-operation, a pod re-created under the name
 * of one the operator decided to delete.
 */
class HealingStaleApiTest {

  static final Path SPARE = Path.of("../examples/combined-spare.yaml");

  @AutoClose final ApiHarness api = ApiHarness.start();

  @Test
  void givenTheStatusWriteAfterTheRemovalIsRefused_thenOneRemovalAndOneAdditionInTotal() {
    QuorumScript quorum = inventory();
    api.refuseOnce("PUT", "/quorumclusters/inventory/status", "\"phase\":\"Adding\"");

    quorum.dead(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    await().until(() -> api.get("inventory").getStatus().getOperation() == null);
    assertThat(api.pendingRefusals()).isZero();
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
  }

  @Test
  void givenAUserWritesAnUnreadableOperation_thenItIsClearedWithAWarningAndNoVoterChanges() {
    QuorumScript quorum = inventory();
    // Read as it stands, this "AddVoter" in a Removing phase would add spare 3 at once.
    OperationStatus corrupt = new OperationStatus();
    corrupt.setType("AddVoter");
    corrupt.setPhase("Removing");
    corrupt.setAdd(new VoterRef(3, "dir3"));

    writeOperation(corrupt);

    awaitAbandoned("AddVoter has no phase Removing");
    await().until(() -> api.get("inventory").getStatus().getOperation() == null);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(quorum.changes).isEmpty());
    assertThat(quorum.voterIds()).containsExactly(0, 1, 2);
  }

  /**
   * A well-formed operation whose times lie far ahead of the operator's clock would never be resent
   * nor settle, holding every heal and roll behind it; and an add of node 98 would have scaled the
   * pool to 99 pods. It is cleared as unreadable, and a voter that dies is still replaced.
   */
  @Test
  void givenAUserWritesAnOperationSentInTheFarFuture_thenItIsCleared_andADeadVoterIsReplaced() {
    QuorumScript quorum = inventory();
    OperationStatus future = new OperationStatus();
    future.setType("AddVoter");
    future.setPhase("Adding");
    future.setAdd(new VoterRef(98, "dir98"));
    future.setStartedAt("2999-01-01T00:00:00Z");
    future.setSentAt("2999-01-01T00:00:00Z");

    writeOperation(future);

    awaitAbandoned("'2999-01-01T00:00:00Z' is later than the operator's clock");
    quorum.dead(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(
            api.client()
                .apps()
                .statefulSets()
                .inNamespace(NAMESPACE)
                .withName("inventory-node")
                .get()
                .getSpec()
                .getReplicas())
        .as("the pool's pods: the spec's four, never up to node 98")
        .isEqualTo(4);
  }

  /**
   * A removal sent a moment ago by a replica whose clock ran a minute behind this one's (or read
   * back after a restart on a node whose clock jumped): its sentAt reads as a minute ago. Judged by
   * that time alone it was settled at once and abandoned while Kafka could still commit it; it is
   * given the settle time by this replica's own clock, from when it first read it (ADR 047).
   */
  @Test
  void givenARemovalSentByAReplicaWhoseClockRanBehind_thenItSettlesByThisReplicasClock() {
    QuorumScript quorum = inventory();
    OperationStatus sent = new OperationStatus();
    sent.setType("ActivateSpare");
    sent.setPhase("Removing");
    sent.setRemove(new VoterRef(1, "dir1"));
    sent.setAdd(new VoterRef(3, "dir3"));
    String minuteAgo = java.time.Instant.now().minusSeconds(60).toString();
    sent.setStartedAt(minuteAgo);
    sent.setSentAt(minuteAgo);

    writeOperation(sent);

    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(8))
        .untilAsserted(
            () -> {
              assertThat(events("OperationAbandoned")).isEmpty();
              assertThat(api.get("inventory").getStatus().getOperation())
                  .extracting(OperationStatus::getType)
                  .isEqualTo("ActivateSpare");
            });
    awaitAbandoned("nothing calls for its removal");
    await().until(() -> api.get("inventory").getStatus().getOperation() == null);
    assertThat(quorum.changes).isEmpty();
    assertThat(quorum.voterIds()).containsExactly(0, 1, 2);
  }

  @Test
  void givenTheActivatedSpareDiesAfterTheRemoval_thenAbandonedAndTheOtherSpareIsAdded() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3).observer(3).observer(4);
    QuorumCluster cr = api.read(Path.of("../examples/combined.yaml"));
    cr.getSpec().getControllers().setReplicas(5);
    cr.getSpec().getControllers().setVoters(3);
    api.client().resource(cr).create();
    await()
        .ignoreExceptions()
        .until(() -> api.get("orders").getStatus().getQuorum().getFaultTolerance() == 1);
    quorum.whenChanged("remove 1/dir1", q -> q.dead(3));

    quorum.dead(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 4)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 4/dir4");
    await()
        .untilAsserted(
            () ->
                assertThat(events("OperationAbandoned"))
                    .extracting(Event::getMessage)
                    .singleElement()
                    .asString()
                    .startsWith(
                        "abandoned replace unreachable voter 1/dir1 by spare 3/dir3: 3/dir3 is"
                            + " unreachable"));
    await().until(() -> api.get("orders").getStatus().getOperation() == null);
  }

  @Test
  void givenThePodWasReCreatedSinceTheDecision_thenTheForcedDeleteLeavesTheNewPod() {
    QuorumCluster cr = api.read(SPARE); // not created: the executor alone is under test
    Healing healing = new Healing(api.client(), api.quorum());
    EventRecorder events = new EventRecorder(api.client(), Clock.systemUTC());
    Pod first =
        api.client().resource(HealingApiTest.runningPod("inventory-node-1", "x", "n")).create();
    api.client().resource(first).withGracePeriod(0).delete();
    await().until(() -> pod("inventory-node-1") == null);
    Pod second =
        api.client().resource(HealingApiTest.runningPod("inventory-node-1", "x", "n")).create();
    assertThat(second.getMetadata().getUid()).isNotEqualTo(first.getMetadata().getUid());

    healing.act(cr, deleteStep(first.getMetadata().getUid()), events);

    assertThat(pod("inventory-node-1").getMetadata().getUid())
        .isEqualTo(second.getMetadata().getUid());
    assertThat(events("StrandedPodDeleted")).isEmpty();

    healing.act(cr, deleteStep(second.getMetadata().getUid()), events);

    await().until(() -> pod("inventory-node-1") == null);
    assertThat(events("StrandedPodDeleted")).hasSize(1);
  }

  /**
   * A replica paused past its Lease must not take a voter's pod away while the replica that took
   * the Lease plans (ADR 047): neither the stranded pod's deletion nor a roll's eviction is sent.
   */
  @Test
  void givenThisReplicaMayNotWrite_thenNoPodIsDeletedOrEvicted() {
    Pod pod =
        api.client().resource(HealingApiTest.runningPod("inventory-node-1", "x", "n")).create();
    String uid = pod.getMetadata().getUid();
    PodDeletion paused =
        new PodDeletion(api.client(), () -> java.util.Optional.of("lost the Lease (test)"));

    assertThat(paused.delete(NAMESPACE, "kafka/inventory", "inventory-node-1", uid, 0L, "test"))
        .isFalse();
    assertThat(paused.evict(NAMESPACE, "kafka/inventory", "inventory-node-1", uid, "test"))
        .isEqualTo(PodDeletion.Evicted.NOT_SENT);
    assertThat(pod("inventory-node-1").getMetadata().getUid()).isEqualTo(uid);

    PodDeletion leading = new PodDeletion(api.client(), java.util.Optional::empty);
    assertThat(leading.delete(NAMESPACE, "kafka/inventory", "inventory-node-1", uid, 0L, "test"))
        .isTrue();
    await().until(() -> pod("inventory-node-1") == null);
  }

  private static Healing.Step deleteStep(String uid) {
    Action.DeletePod delete = new Action.DeletePod("inventory-node-1", uid, "stranded (test)");
    return new Healing.Step(delete, null, false, delete.reason());
  }

  /** examples/combined-spare.yaml (three voters, spare 3), once status shows it tolerates one. */
  private QuorumScript inventory() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/inventory", 3).observer(3);
    api.create(SPARE);
    await()
        .ignoreExceptions()
        .until(() -> api.get("inventory").getStatus().getQuorum().getFaultTolerance() == 1);
    return quorum;
  }

  /** Until one OperationAbandoned event says {@code why}. */
  private void awaitAbandoned(String why) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(events("OperationAbandoned"))
                    .extracting(Event::getMessage)
                    .singleElement()
                    .asString()
                    .contains(why));
  }

  /** Writes status.operation as a user with access to the status subresource would. */
  private void writeOperation(OperationStatus operation) {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("inventory");
              cr.getStatus().setOperation(operation);
              api.client().resource(cr).updateStatus();
            });
  }

  private Pod pod(String name) {
    return api.client().pods().inNamespace(NAMESPACE).withName(name).get();
  }

  private List<Event> events(String reason) {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
