package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.reason;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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
  FakeQuorumClient.Script quorum;
  volatile List<PartitionIsr> partitions;

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    quorum = api.quorum().script(NAMESPACE + "/payments", 3);
    quorum.partitions = () -> partitions;
    partitions =
        List.of(
            new PartitionIsr("events-0", Set.of(100, 101, 102), Set.of(100, 101, 102), 2),
            new PartitionIsr("events-1", Set.of(100, 101), Set.of(100, 101), 2));
    api.create(SEPARATED);
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
    assertThat(events())
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
    assertThat(events()).isEmpty();
  }

  private void running(String statefulSet, String pod) {
    api.createPodFromTemplate(statefulSet, pod, "payments");
    api.podReady(pod);
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

  private List<Event> events() {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> "ScaleDownBlocked".equals(e.getReason()))
        .toList();
  }
}
