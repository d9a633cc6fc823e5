package io.quorumkeeper.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Quarkus app's leader election: QOSDK looks up a {@link LeaderElectionConfiguration} bean at
 * start and hands it to JOSDK; none (null) when {@code quorumkeeper.leader-election.enabled} is
 * false.
 */
public class LeaderElectionProducer {

  @Produces
  @Singleton
  Leadership leadership(
      OperatorConfig config, io.fabric8.kubernetes.client.KubernetesClient kubernetes) {
    return new Leadership(LeaderElectionSettings.from(config), kubernetes);
  }

  @Produces
  @Dependent
  LeaderElectionConfiguration leaderElection(Leadership leadership) {
    return leadership.josdkConfiguration().orElse(null);
  }

  /** Before QOSDK stops the operator (default priority), so that stopping is not taken as loss. */
  void stopping(@Observes @Priority(1) ShutdownEvent event, Leadership leadership) {
    leadership.stopping();
  }
}
