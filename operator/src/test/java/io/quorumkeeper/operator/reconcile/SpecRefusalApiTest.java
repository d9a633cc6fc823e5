package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.reason;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.spec.BrokersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import io.quorumkeeper.operator.model.AcceptedSpec;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import io.quorumkeeper.operator.testing.OwnedObjects;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A spec the operator refuses, or a world that does not look as the operator left it, never stops
 * it from observing and healing what runs, and never makes it write what it cannot run.
 */
class SpecRefusalApiTest {

  static final Path COMBINED = Path.of("../examples/combined.yaml");
  static final Path SPARE = Path.of("../examples/combined-spare.yaml");

  ApiHarness api = ApiHarness.start();

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void
      givenRunningCombined_whenTopologyChangedToSeparated_thenRefusedNothingCreatedQuorumObserved() {
    FakeQuorumClient.Script quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    awaitAccepted("orders", 1);
    Map<String, String> before = OwnedObjects.resourceVersions(api.client());

    edit(
        "orders",
        spec -> {
          spec.setTopology(Topology.Separated);
          BrokersSpec brokers = new BrokersSpec();
          brokers.setReplicas(3);
          spec.setBrokers(brokers);
        });

    awaitRefused("orders", 2, QuorumClusterSpec.TOPOLOGY_IMMUTABLE + " (it runs Combined)");
    quorum.leader(1, 2);
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var q = api.get("orders").getStatus().getQuorum();
              assertThat(q.getLeaderId()).isEqualTo(1);
              assertThat(q.getLeaderEpoch()).isEqualTo(2L);
            });
    QuorumCluster cr = api.get("orders");
    assertThat(condition(cr, Conditions.READY)).isEqualTo("False");
    assertThat(statefulSet("orders-controller")).isNull();
    assertThat(statefulSet("orders-broker")).isNull();
    assertThat(OwnedObjects.resourceVersions(api.client())).isEqualTo(before);
    assertThat(events("SpecInvalid")).hasSize(1);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenRefusedSpec_whenVoterDies_thenTheLastAcceptedSpecIsStillHealed() {
    FakeQuorumClient.Script quorum = runningSpare();

    edit("inventory", spec -> spec.getControllers().setVoters(2));
    awaitRefused("inventory", 2, "controllers.voters must be odd");
    quorum.dead(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(api.get("inventory").getSpec().getControllers().getVoters()).isEqualTo(2);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenLastAcceptedSpecEditedToAnEvenQuorum_thenIgnoredTheSpecRunsAgainAndNoVoterMoves() {
    FakeQuorumClient.Script quorum = runningSpare();
    String accepted = api.get("inventory").getStatus().getLastAcceptedSpec();
    // Voters 2 (refused in a spec) and another volume size, which would make the spec itself
    // refused against it, so that the edited copy is what would run.
    QuorumClusterSpec edited = api.get("inventory").getSpec();
    edited.getControllers().setVoters(2);
    edited.getControllers().getStorage().setSize("20Gi");

    editStatus("inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(edited)));
    quorum.leader(2, 4);

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("inventory");
              assertThat(cr.getStatus().getQuorum().getLeaderEpoch()).isEqualTo(4L);
              assertThat(cr.getStatus().getLastAcceptedSpec()).isEqualTo(accepted);
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("False");
            });
    assertThat(quorum.changes).isEmpty();
    assertThat(quorum.voterIds()).containsExactly(0, 1, 2);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void
      givenLastAcceptedSpecEditedIntoNonsense_whenTheSpecIsRefused_thenNothingRunsAndNoPassFails() {
    FakeQuorumClient.Script quorum = runningSpare();
    QuorumClusterSpec edited = api.get("inventory").getSpec();
    edited.getHealing().setUnreachableAfter("soon");
    // The spec refused first: while the spec is one it accepts, any pass writes it back as the
    // last accepted one, which would undo the edit below before the refusal reads it.
    edit("inventory", spec -> spec.getControllers().setVoters(2));
    awaitRefused("inventory", 2, "controllers.voters must be odd");

    editStatus("inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(edited)));

    await()
        .untilAsserted(
            () ->
                assertThat(message(api.get("inventory"), Conditions.WARNING))
                    .contains(Acceptance.STORED_SPEC_IGNORED)
                    .contains("healing.unreachableAfter"));
    quorum.dead(1);
    await()
        .during(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(api.reconciles().failures()).isEmpty());
    assertThat(quorum.changes).isEmpty();
  }

  /**
   * An accepted spec that a rule added later refuses (an older operator let a key through): the
   * spec is refused, but the cluster it describes is still healed by it, as before the rule.
   */
  @Test
  void givenAnAcceptedSpecANewerRuleRefuses_whenAVoterDies_thenItIsStillHealed() {
    FakeQuorumClient.Script quorum = runningSpare();
    QuorumClusterSpec older = api.get("inventory").getSpec();
    older.getKafka().setConfig(new java.util.HashMap<>(Map.of("super.users", "User:ops")));
    // Refused first, so that no pass writes the current spec back over the edited status.
    edit(
        "inventory",
        spec ->
            spec.getKafka().setConfig(new java.util.HashMap<>(Map.of("super.users", "User:ops"))));
    awaitRefused("inventory", 2, "super.users");
    editStatus("inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(older)));
    await()
        .during(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(api.get("inventory").getStatus().getLastAcceptedSpec())
                    .isEqualTo(AcceptedSpec.write(older)));
    quorum.dead(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(message(api.get("inventory"), Conditions.WARNING))
        .doesNotContain(Acceptance.STORED_SPEC_IGNORED);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * A stored spec that asks for fewer voters than the quorum has (written into status by hand, or
   * restored from an old backup) while the spec is refused: healing follows the stored spec, but
   * nobody asked for that shrink, so the voters stay and a Warning says why.
   */
  @Test
  void givenAStoredSpecWithFewerVoters_whenTheSpecIsRefused_thenNoVoterIsRemoved() {
    FakeQuorumClient.Script quorum = runningSpare();
    QuorumClusterSpec fewer = api.get("inventory").getSpec();
    fewer.getControllers().setVoters(1);
    edit("inventory", spec -> spec.getControllers().setVoters(2));
    awaitRefused("inventory", 2, "controllers.voters must be odd");

    editStatus("inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(fewer)));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(message(api.get("inventory"), Conditions.WARNING))
                    .contains("asks for 1 voters and the quorum has 3")
                    .contains(Acceptance.VOTERS_KEPT));
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(quorum.changes).isEmpty());
    assertThat(quorum.voterIds()).containsExactly(0, 1, 2);
    assertThat(api.get("inventory").getStatus().getLastAcceptedSpec())
        .isEqualTo(AcceptedSpec.write(fewer));

    assertThat(reason(api.get("inventory"), Conditions.WARNING))
        .isEqualTo("LastAcceptedSpecNotFollowed");

    // A voter lost while the count is kept is still replaced, to the count kept.
    quorum.dead(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");

    // A stored spec that also drops the pod of voter 3, with node 1 back as a caught-up spare: no
    // voter is moved off that pod (no pod goes while the spec is refused), so the count stays 3.
    quorum.alive(1).observer(1, "dir1b");
    QuorumClusterSpec smaller = api.get("inventory").getSpec();
    smaller.getControllers().setReplicas(3);
    smaller.getControllers().setVoters(1);
    editStatus("inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(smaller)));
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3"));

    // A spec accepted again ends the warning.
    edit("inventory", spec -> spec.getControllers().setVoters(3));
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("inventory");
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("False");
              assertThat(message(cr, Conditions.WARNING)).doesNotContain(Acceptance.VOTERS_KEPT);
            });
    assertThat(quorum.voterIds()).containsExactly(0, 2, 3);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenVotersUnset_whenReplicasLoweredToAnEvenCount_thenRefusedUntilVotersSayItOnPurpose() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    awaitAccepted("orders", 1);

    edit("orders", spec -> spec.getControllers().setReplicas(2));

    awaitRefused("orders", 2, "would lower the quorum from 3 to 1 voters");
    assertThat(message(api.get("orders"), Conditions.SPEC_INVALID))
        .contains(Acceptance.IMPLICIT_SHRINK);
    assertThat(statefulSet("orders-node").getSpec().getReplicas()).isEqualTo(3);

    edit("orders", spec -> spec.getControllers().setVoters(1));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(cr.getStatus().getObservedGeneration()).isEqualTo(3L);
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("False");
            });
  }

  @Test
  void givenObjectWithAnOwnedNameThatIsNotOurs_thenLeftAloneReportedAndTheRestWritten() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    // (a pool's ConfigMap has no fixed name to take: its name carries a hash of its content)
    Service foreign =
        api.client()
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName("orders-bootstrap")
                    .withNamespace(NAMESPACE)
                    .addToLabels("owner", "someone-else")
                    .endMetadata()
                    .withNewSpec()
                    .addNewPort()
                    .withPort(1234)
                    .endPort()
                    .endSpec()
                    .build())
            .create();

    api.create(COMBINED);

    await()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(condition(cr, Conditions.READY)).isEqualTo("False");
              assertThat(message(cr, Conditions.READY))
                  .contains("Service orders-bootstrap")
                  .contains("does not belong to this QuorumCluster");
              assertThat(events("ObjectNotWritten")).hasSize(1);
            });
    Service after =
        api.client().services().inNamespace(NAMESPACE).withName("orders-bootstrap").get();
    assertThat(after.getMetadata().getLabels()).isEqualTo(Map.of("owner", "someone-else"));
    assertThat(after.getMetadata().getOwnerReferences()).isEmpty();
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(foreign.getMetadata().getResourceVersion());
    assertThat(statefulSet("orders-node")).isNotNull();
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenStatusLost_thenTheClusterIdIsReadBackFromItsConfigMapNotGeneratedAgain() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    awaitAccepted("orders", 1);
    QuorumCluster running = api.get("orders");
    String clusterId = running.getStatus().getClusterId();
    var initialVoters = running.getStatus().getBootstrap().getInitialVoters();

    editStatus("orders", cr -> cr.setStatus(new QuorumClusterStatus()));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumClusterStatus status = api.get("orders").getStatus();
              assertThat(status.getClusterId()).isEqualTo(clusterId);
              assertThat(status.getBootstrap().getInitialVoters()).isEqualTo(initialVoters);
            });
    assertThat(api.bootstrapProperties("orders-node")).contains("cluster.id=" + clusterId);
  }

  @Test
  void givenStatusClusterIdEditedWithALineBreak_thenReadBackFromTheConfigMapAndNothingInjected() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();

    editStatus("orders", cr -> cr.getStatus().setClusterId(clusterId + "\ncluster.formed=false"));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId));
    assertThat(api.bootstrapProperties("orders-node"))
        .contains("cluster.id=" + clusterId)
        .contains("cluster.formed=true")
        .doesNotContain("cluster.formed=false");
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenStatusClusterIdEditedToAnotherValidId_thenRestoredFromTheDisksAndNoPodIsGivenIt() {
    FakeQuorumClient.Script quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();
    quorum.disksHold(clusterId);
    String bootstrapVersion = bootstrapMap().getMetadata().getResourceVersion();
    String wrong = Uuid.randomUuid().toString();

    editStatus("orders", cr -> cr.getStatus().setClusterId(wrong));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId));
    assertThat(events("IdentityRestored"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(wrong).contains(clusterId));
    assertThat(bootstrapMap().getMetadata().getResourceVersion())
        .as("the bootstrap ConfigMap, never written with the edited id")
        .isEqualTo(bootstrapVersion);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenStatusClusterIdEditedAndNoDiskSaysWhich_thenTheConfigMapIsKeptUntilOneDoes() {
    FakeQuorumClient.Script quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();
    String wrong = Uuid.randomUuid().toString();

    editStatus("orders", cr -> cr.getStatus().setClusterId(wrong));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(condition(cr, Conditions.READY)).isEqualTo("False");
              assertThat(message(cr, Conditions.READY))
                  .contains("ConfigMap orders-node-bootstrap keeps cluster id " + clusterId)
                  .contains("status.clusterId is " + wrong);
            });
    assertThat(api.bootstrapProperties("orders-node"))
        .contains("cluster.id=" + clusterId)
        .doesNotContain(wrong);
    await().untilAsserted(() -> assertThat(events("ObjectNotWritten")).isNotEmpty());

    quorum.disksHold(clusterId);

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(cr.getStatus().getClusterId()).isEqualTo(clusterId);
              assertThat(message(cr, Conditions.READY)).doesNotContain("keeps cluster id");
            });
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenTheConfigMapsClusterIdEditedAndTheDisksHoldStatuss_thenTheConfigMapIsRewritten() {
    FakeQuorumClient.Script quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();
    quorum.disksHold(clusterId);
    String wrong = Uuid.randomUuid().toString();

    editBootstrapClusterId(clusterId, wrong);

    await()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(api.bootstrapProperties("orders-node"))
                    .contains("cluster.id=" + clusterId));
    assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenStatusAndTheConfigMapBothEditedToAnotherId_thenTheDisksIdIsRestoredToBoth() {
    FakeQuorumClient.Script quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();
    String wrong = Uuid.randomUuid().toString();
    // paused, the operator writes no object, so neither edit is undone before the other lands
    api.edit(
        "orders",
        cr -> cr.getMetadata().getAnnotations().put(QuorumCluster.PAUSED_ANNOTATION, "true"));
    await()
        .untilAsserted(
            () -> assertThat(condition(api.get("orders"), Conditions.PAUSED)).isEqualTo("True"));
    editStatus("orders", cr -> cr.getStatus().setClusterId(wrong));
    editBootstrapClusterId(clusterId, wrong);
    await()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(api.bootstrapProperties("orders-node")).contains("cluster.id=" + wrong));
    api.edit(
        "orders", cr -> cr.getMetadata().getAnnotations().remove(QuorumCluster.PAUSED_ANNOTATION));
    await()
        .during(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(api.bootstrapProperties("orders-node")).contains("cluster.id=" + wrong));

    quorum.disksHold(clusterId);

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId);
              assertThat(api.bootstrapProperties("orders-node"))
                  .contains("cluster.id=" + clusterId);
            });
    assertThat(events("IdentityRestored"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(wrong).contains(clusterId));
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /** The combined example created, accepted and formed; its cluster id. */
  private String formedCluster() {
    api.create(COMBINED);
    awaitAccepted("orders", 1);
    await()
        .untilAsserted(
            () ->
                assertThat(api.bootstrapProperties("orders-node")).contains("cluster.formed=true"));
    return api.get("orders").getStatus().getClusterId();
  }

  /** Replaces the cluster id in the bootstrap ConfigMap as a user with rights on it would. */
  private void editBootstrapClusterId(String from, String to) {
    api.client()
        .configMaps()
        .inNamespace(NAMESPACE)
        .withName("orders-node-bootstrap")
        .edit(
            map -> {
              map.getData()
                  .computeIfPresent("bootstrap.properties", (file, text) -> text.replace(from, to));
              return map;
            });
  }

  private io.fabric8.kubernetes.api.model.ConfigMap bootstrapMap() {
    return api.client().configMaps().inNamespace(NAMESPACE).withName("orders-node-bootstrap").get();
  }

  @Test
  void givenStrayPodNamedBeyondAnyOrdinal_thenIgnoredAndStatusKeepsRefreshing() {
    FakeQuorumClient.Script quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    awaitAccepted("orders", 1);

    api.client()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("orders-node-99999999999")
                .withNamespace(NAMESPACE)
                .withLabels(Map.of(Labels.CLUSTER, "orders"))
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .endStatus()
                .build())
        .create();
    quorum.leader(2, 3);

    await()
        .ignoreExceptions()
        .until(() -> api.get("orders").getStatus().getQuorum().getLeaderEpoch() == 3L);
    assertThat(api.get("orders").getStatus().getQuorum().getMembers())
        .extracting(m -> m.getNodeId())
        .containsExactly(0, 1, 2);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  private void awaitAccepted(String name, long generation) {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get(name);
              assertThat(cr.getStatus().getObservedGeneration()).isEqualTo(generation);
              assertThat(cr.getStatus().getLastAcceptedSpec()).isNotBlank();
              assertThat(cr.getStatus().getQuorum().getLeaderEpoch()).isNotNull();
            });
  }

  private void awaitRefused(String name, long generation, String because) {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get(name);
              assertThat(cr.getStatus().getObservedGeneration()).isEqualTo(generation);
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("True");
              assertThat(message(cr, Conditions.SPEC_INVALID)).contains(because);
            });
  }

  private void edit(String name, Consumer<QuorumClusterSpec> change) {
    api.edit(name, cr -> change.accept(cr.getSpec()));
  }

  /** The spare example (3 voters, one spare) accepted, its quorum able to lose one voter. */
  private FakeQuorumClient.Script runningSpare() {
    FakeQuorumClient.Script quorum = api.quorum().script(NAMESPACE + "/inventory", 3).observer(3);
    api.create(SPARE);
    awaitAccepted("inventory", 1);
    await()
        .ignoreExceptions()
        .until(() -> api.get("inventory").getStatus().getQuorum().getFaultTolerance() == 1);
    return quorum;
  }

  /**
   * Writes status as a user with rights on the status subresource would, retried as a user would: a
   * write on a copy the operator's own status write overtook is 409.
   */
  private void editStatus(String name, Consumer<QuorumCluster> change) {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster current = api.get(name);
              change.accept(current);
              api.client().resource(current).updateStatus();
            });
  }

  private StatefulSet statefulSet(String name) {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
  }

  private List<Event> events(String reason) {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
