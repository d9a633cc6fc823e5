package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.config.Leadership;
import io.quorumkeeper.operator.config.OperatorConfig;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The Quarkus app's quorum client (Kafka's Admin API, closed with the app; voter changes only while
 * this replica leads) and metrics.
 */
public class QuorumClientProducer {

  @Produces
  @Singleton
  QuorumClient quorumClient(
      OperatorConfig config,
      Leadership leadership,
      io.fabric8.kubernetes.client.KubernetesClient kubernetes) {
    return new LeaderOnlyQuorumClient(
        new AdminQuorumClient(
            config.observe().timeout(),
            new SecretClusterTrust(kubernetes, java.time.Clock.systemUTC())),
        leadership);
  }

  @Produces
  @Singleton
  QuorumMetrics quorumMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
    return new QuorumMetrics(registry);
  }

  void close(@Disposes QuorumClient client) {
    client.close();
  }
}
