package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.reason;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.api.v1alpha1.status.BrokerCordon;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Separated cluster (examples/separated.yaml: brokers 100-102) whose spec drops a broker: its pod
 * goes only once no partition has a replica on it, against the mock API and scripted brokers.
 */
class BrokerScaleDownApiTest {

  static final Path SEPARATED = Path.of("../examples/separated.yaml");
  static final Duration QUIET = Duration.ofSeconds(2);

  ApiHarness api;
  QuorumScript quorum;
  volatile List<PartitionIsr> partitions;

  @BeforeEach
  void start() {
    start(Transport.TLS);
  }

  private void start(Transport transport) {
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/payments", 3);
    quorum.partitions = () -> partitions;
    partitions =
        List.of(
            new PartitionIsr("events-0", Set.of(100, 101, 102), Set.of(100, 101, 102), 2),
            new PartitionIsr("events-1", Set.of(100, 101), Set.of(100, 101), 2));
    QuorumCluster cr = api.read(SEPARATED);
    cr.getSpec().setSecurity(new SecuritySpec());
    cr.getSpec().getSecurity().setTransport(transport);
    api.client().resource(cr).create();
    await().ignoreExceptions().until(() -> brokerPods() == 3);
    for (int i = 0; i < 3; i++) {
      running("payments-controller", "payments-controller-" + i);
      running("payments-broker", "payments-broker-" + i);
    }
    await().until(() -> "UpToDate".equals(progressing()));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenABrokerThatHoldsReplicas_whenTheSpecDropsIt_thenItsPodStaysUntilTheyAreReassigned() {
    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(2));

    await().until(() -> "ScaleDownBlocked".equals(progressing()));
    assertThat(message())
        .contains("broker 102 still holds replicas")
        .contains("1 partition (events-0)")
        .contains("kafka-reassign-partitions");
    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> brokerPods() == 3);
    assertThat(events("ScaleDownBlocked"))
        .singleElement()
        .satisfies(e -> assertThat(e.getType()).isEqualTo("Warning"));

    partitions =
        List.of(
            new PartitionIsr("events-0", Set.of(100, 101), Set.of(100, 101), 2),
            new PartitionIsr("events-1", Set.of(100, 101), Set.of(100, 101), 2));

    await().until(() -> brokerPods() == 2);
    // the pass that shrinks the StatefulSet writes its status after it
    await().until(() -> !"ScaleDownBlocked".equals(progressing()));
  }

  @Test
  void givenNoBrokerAnswers_whenTheSpecDropsBrokers_thenNoBrokerPodGoes() {
    quorum.partitions = null; // the scripted brokers do not answer

    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(1));

    await().until(() -> "ScaleDownBlocked".equals(progressing()));
    assertThat(message()).contains("cannot be read");
    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> brokerPods() == 3);
  }

  @Test
  void givenBrokersThatHoldNothing_whenTheSpecDropsThem_thenTheirPodsGoAtOnce() {
    partitions = List.of(new PartitionIsr("events-0", Set.of(100), Set.of(100), 1));

    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(1));

    await().until(() -> brokerPods() == 1);
    assertThat(events("ScaleDownBlocked")).isEmpty();
    // the finalized metadata.version is not known (the scripted quorum reports no features):
    // nothing is cordoned
    assertThat(quorum.cordonChanges).isEmpty();
    assertThat(cordons()).isEmpty();
  }

  @Test
  void givenALevelBeforeCordons_whenTheSpecDropsABroker_thenItGoesWithoutACordon() {
    partitions = List.of(new PartitionIsr("events-0", Set.of(100), Set.of(100), 1));
    quorum.metadataVersion.set(29); // 4.2-IV1: brokers refuse cordoned.log.dirs
    await().until(() -> level() == 29);

    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(2));

    await().until(() -> brokerPods() == 2);
    assertThat(quorum.cordonChanges).isEmpty();
  }

  /**
   * A Plaintext cluster's brokers refuse broker config changes from their client listener, the only
   * one the operator reaches there, and the controllers refuse to set a cordon (ADR 045): the
   * partition read alone decides, as below 4.3-IV0, instead of a cordon that could never be sent
   * blocking the scale-down for good.
   */
  @Test
  void givenAPlaintextCluster_whenTheSpecDropsABroker_thenItGoesWithoutACordon() {
    api.close();
    start(Transport.Plaintext);
    partitions = List.of(new PartitionIsr("events-0", Set.of(100), Set.of(100), 1));
    quorum.metadataVersion.set(33);
    await().until(() -> level() == 33);

    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(2));

    await().until(() -> brokerPods() == 2);
    assertThat(quorum.cordonChanges).isEmpty();
    assertThat(cordons()).isEmpty();
    assertThat(events("ScaleDownBlocked")).isEmpty();
  }

  @Test
  void givenALevelWithCordons_whenTheSpecDropsABroker_thenItIsCordonedBeforeItsPartitionsAreRead() {
    partitions = List.of(new PartitionIsr("events-0", Set.of(100), Set.of(100), 1));
    quorum.metadataVersion.set(33);
    await().until(() -> level() == 33);
    List<String> unrecorded = new CopyOnWriteArrayList<>();
    quorum.onCordon =
        ids -> {
          Set<Integer> inStatus = new TreeSet<>();
          cordons().forEach(c -> inStatus.add(c.getNodeId()));
          if (!inStatus.containsAll(ids)) {
            unrecorded.add(ids + " asked while status records " + inStatus);
          }
        };

    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(2));

    await().until(() -> brokerPods() == 2);
    Instant shrunk = Instant.now();
    assertThat(quorum.cordonChanges).containsExactly("cordon 102");
    assertThat(unrecorded).isEmpty(); // a cordon is in status before it is sent
    assertThat(cordons()).singleElement().satisfies(c -> assertThat(c.getNodeId()).isEqualTo(102));
    Instant cordonedAt = Instant.parse(cordons().get(0).getCordonedAt());
    // the partitions are read twice the brokers' heartbeat interval (2 s) after the broker
    // reported its cordon, so the controllers know it by then
    assertThat(shrunk).isAfterOrEqualTo(cordonedAt.plusSeconds(4));
    await()
        .untilAsserted(
            () ->
                assertThat(events("BrokersCordoned"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.getMessage()).startsWith("broker 102 cordoned")));
    assertThat(events("ScaleDownBlocked")).isEmpty();
  }

  @Test
  void givenACordonedBrokerThatHoldsReplicas_whenTheSpecAsksForItAgain_thenTheCordonIsLifted() {
    quorum.metadataVersion.set(33);
    await().until(() -> level() == 33);
    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(2));
    await().until(() -> "ScaleDownBlocked".equals(progressing()));
    assertThat(message()).contains("broker 102 still holds replicas");
    assertThat(quorum.cordoned).containsExactly(102);

    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(3));

    await().until(() -> quorum.cordonChanges.equals(List.of("cordon 102", "uncordon 102")));
    await().until(() -> cordons().isEmpty());
    assertThat(quorum.cordoned).isEmpty();
    await().until(() -> events("BrokerCordonLifted").size() == 1);
    assertThat(brokerPods()).isEqualTo(3);
  }

  @Test
  void givenABrokerRemovedCordoned_whenALaterScaleUpBringsItBack_thenItsCordonIsLiftedOnceItRuns() {
    partitions = List.of(new PartitionIsr("events-0", Set.of(100), Set.of(100), 1));
    quorum.metadataVersion.set(33);
    await().until(() -> level() == 33);
    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(2));
    await().until(() -> brokerPods() == 2);
    api.client().pods().inNamespace(NAMESPACE).withName("payments-broker-2").delete();
    quorum.runningBrokers = Set.of(100, 101); // Kafka keeps 102's cordon while it is away

    api.edit("payments", cr -> cr.getSpec().getBrokers().setReplicas(3));

    await().until(() -> brokerPods() == 3);
    await().during(QUIET).atMost(QUIET.multipliedBy(2)).until(() -> cordons().size() == 1);
    assertThat(quorum.cordoned).containsExactly(102);

    quorum.runningBrokers = Set.of(100, 101, 102);
    running("payments-broker", "payments-broker-2");

    await().until(() -> cordons().isEmpty());
    assertThat(quorum.cordonChanges).containsExactly("cordon 102", "uncordon 102");
  }

  private void running(String statefulSet, String pod) {
    api.createPodFromTemplate(statefulSet, pod, "payments");
    api.podReady(pod);
  }

  private List<BrokerCordon> cordons() {
    var status = api.get("payments").getStatus();
    return status == null ? List.of() : status.getBrokerCordons();
  }

  private int level() {
    var status = api.get("payments").getStatus();
    return status == null
            || status.getKafka() == null
            || status.getKafka().getMetadataVersionLevel() == null
        ? 0
        : status.getKafka().getMetadataVersionLevel();
  }

  private int brokerPods() {
    StatefulSet sts =
        api.client().apps().statefulSets().inNamespace(NAMESPACE).withName("payments-broker").get();
    return sts == null ? -1 : sts.getSpec().getReplicas();
  }

  private String progressing() {
    return reason(api.get("payments"), Conditions.PROGRESSING);
  }

  private String message() {
    return QuorumClusterReconcilerApiTest.message(api.get("payments"), Conditions.PROGRESSING);
  }

  private List<Event> events(String reason) {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> reason.equals(e.getReason()))
        .toList();
  }
}
