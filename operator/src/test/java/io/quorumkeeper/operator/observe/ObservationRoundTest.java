package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.api.v1alpha1.status.BootstrapStatus;
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
   * Only a cluster known to run Plaintext has its agents asked over plain HTTP, with the token in
   * clear: one whose identity says so (or predates transports, ADR 012), or a new one whose spec
   * asks for it.
   */
  @Test
  void givenEachWayTheTransportIsKnown_thenAgentsAreAskedInClearOnlyOfPlaintextClusters() {
    QuorumCluster fresh = Examples.load("combined.yaml");
    QuorumCluster askedPlaintext = Examples.load("combined.yaml");
    askedPlaintext.getSpec().setSecurity(new SecuritySpec());
    askedPlaintext.getSpec().getSecurity().setTransport(Transport.Plaintext);

    assertThat(ObservationRound.runsTls(fresh)).as("a new cluster, TLS by default").isTrue();
    assertThat(ObservationRound.runsTls(askedPlaintext)).isFalse();
    assertThat(ObservationRound.runsTls(withIdentity(askedPlaintext, Transport.TLS)))
        .as("the identity decides, not a spec that asks otherwise (the operator refuses it)")
        .isTrue();
    assertThat(ObservationRound.runsTls(withIdentity(fresh, Transport.Plaintext))).isFalse();
    assertThat(ObservationRound.runsTls(withIdentity(fresh, null)))
        .as("an identity from before transports: a plaintext cluster")
        .isFalse();
  }

  private static QuorumCluster withIdentity(QuorumCluster cr, Transport transport) {
    BootstrapStatus bootstrap = new BootstrapStatus();
    bootstrap.setTransport(transport);
    cr.setStatus(new QuorumClusterStatus());
    cr.getStatus().setBootstrap(bootstrap);
    return cr;
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
