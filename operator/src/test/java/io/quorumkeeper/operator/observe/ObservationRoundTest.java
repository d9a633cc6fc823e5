package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.Examples;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import io.quorumkeeper.operator.testing.MovableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ObservationRoundTest {

  KubernetesClient client;

  /**
   * A new cluster the operator refuses has no accepted spec, so a round reads the raw one; a server
   * without the schema can deliver any count there, and sizing the agents' hosts by it would take
   * the operator's heap for every cluster it manages.
   */
  @Test
  void givenANewClusterWithAnAbsurdReplicaCount_whenObserved_thenNothingIsSizedByIt() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getMetadata().setNamespace("default");
    cr.getSpec().getControllers().setReplicas(Integer.MAX_VALUE);
    Clock clock = Clock.systemUTC();

    RaftObservation observation =
        ObservationRound.observe(
            cr,
            new FakeQuorumClient(clock),
            new QuorumMetrics(new SimpleMeterRegistry()),
            clock,
            new AgentTokens(client),
            new ObservationRound.EpochClock(),
            Duration.ofSeconds(1));

    assertThat(observation.failure()).isEqualTo("no accepted spec to observe by");
    assertThat(observation.raft()).isEmpty();
  }

  /**
   * Kafka's answer describes the quorum as of some moment after it was asked; a roll that needs a
   * view newer than its restart counts from the asking, since the call itself may take its bound.
   */
  @Test
  void givenADescribeThatTakesThreeSeconds_thenTheViewIsAskedForBeforeItIsAnswered() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getMetadata().setNamespace("default");
    MovableClock clock = new MovableClock();
    FakeQuorumClient slow =
        new FakeQuorumClient(clock) {
          @Override
          public RaftQuorum describe(String cluster, String bootstrap, Duration within)
              throws QuorumUnavailableException {
            clock.advance(Duration.ofSeconds(3));
            return super.describe(cluster, bootstrap, within);
          }
        };
    slow.script("default/orders", 3);
    Instant before = clock.instant();

    RaftObservation observation =
        ObservationRound.observe(
            cr,
            slow,
            new QuorumMetrics(new SimpleMeterRegistry()),
            clock,
            new AgentTokens(client),
            new ObservationRound.EpochClock(),
            Duration.ofSeconds(5));

    assertThat(observation.raft()).isPresent();
    assertThat(observation.askedAt()).isBetween(before, before.plusSeconds(1));
    assertThat(observation.observedAt()).isAfterOrEqualTo(before.plusSeconds(3));
  }
}
