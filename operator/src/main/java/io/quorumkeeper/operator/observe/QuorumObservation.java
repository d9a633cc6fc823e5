package io.quorumkeeper.operator.observe;

import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.jboss.logging.Logger;

/**
 * Polls every cluster's controllers on its own small thread pool, so a slow or unreachable cluster
 * never holds a reconcile thread: each poll is bounded by the quorum client's timeout, and the
 * reconciler only reads the latest cached {@link RaftObservation}. Each poll triggers a reconcile,
 * which writes status only when something a user sees changed.
 */
public final class QuorumObservation {

  public static final String NAME = "quorum-observation";
  private static final Logger LOG = Logger.getLogger(QuorumObservation.class);

  private QuorumObservation() {}

  public static PerResourcePollingEventSource<RaftObservation, QuorumCluster, String> eventSource(
      EventSourceContext<QuorumCluster> context,
      QuorumClient client,
      QuorumMetrics metrics,
      Duration interval,
      int threads,
      Clock clock) {
    ScheduledExecutorService executor =
        Executors.newScheduledThreadPool(
            threads,
            runnable -> {
              Thread thread = new Thread(runnable, "quorum-observer");
              thread.setDaemon(true);
              return thread;
            });
    return new PerResourcePollingEventSource<>(
        RaftObservation.class,
        context,
        new PerResourcePollingConfigurationBuilder<RaftObservation, QuorumCluster, String>(
                cr -> Set.of(observe(cr, client, metrics, clock)), interval)
            .withExecutorService(executor)
            .withResourceIDMapper(RaftObservation::cluster)
            .withName(NAME)
            .build());
  }

  static RaftObservation observe(
      QuorumCluster cr, QuorumClient client, QuorumMetrics metrics, Clock clock) {
    String key = key(cr);
    String bootstrap = ClusterModel.pools(cr).get(0).controllerEndpoints();
    long start = System.nanoTime();
    RaftObservation observation;
    try {
      RaftQuorum raft = client.describe(key, bootstrap);
      observation = new RaftObservation(key, clock.instant(), Optional.of(raft), null);
    } catch (QuorumUnavailableException e) {
      LOG.debugf("cluster=%s quorum not observed: %s", key, e.getMessage());
      observation = new RaftObservation(key, clock.instant(), Optional.empty(), e.getMessage());
    } catch (RuntimeException e) {
      LOG.warnf("cluster=%s quorum observation failed: %s", key, e.toString());
      observation = new RaftObservation(key, clock.instant(), Optional.empty(), e.toString());
    }
    metrics.observed(
        key, Duration.ofNanos(System.nanoTime() - start), observation.raft().isPresent());
    return observation;
  }

  public static String key(QuorumCluster cr) {
    return cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName();
  }
}
