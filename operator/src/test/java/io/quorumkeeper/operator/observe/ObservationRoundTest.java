package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.Examples;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import java.time.Clock;
import java.time.Duration;
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
}
