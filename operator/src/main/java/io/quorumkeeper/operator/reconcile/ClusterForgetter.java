package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.observe.AgentTokens;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumMetrics;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.status.StatusWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * The list of everything this operator process holds per QuorumCluster, and how to drop each when
 * the cluster is deleted: the Kafka Admin client, the meters, the agent token, when a leader was
 * last seen, the events remembered against repeats, the evictions the API refused. The quorum
 * observation calls it when JOSDK reports the deletion; there is no finalizer (ADR 009). Something
 * new held per cluster belongs on this list.
 */
final class ClusterForgetter implements Consumer<QuorumCluster> {

  private static final Logger LOG = Logger.getLogger(ClusterForgetter.class);

  /** A deleted cluster: its "namespace/name" key and its uid. */
  record Gone(String key, String uid) {}

  /** One thing held per cluster, named for the log, and how to drop it. */
  record Held(String what, Consumer<Gone> forget) {}

  private final List<Held> held;

  ClusterForgetter(List<Held> held) {
    this.held = List.copyOf(held);
  }

  static ClusterForgetter of(
      QuorumClient quorum,
      QuorumMetrics metrics,
      AgentTokens tokens,
      Map<String, ?> leaderSeenAt,
      Map<String, ?> certificatesSeen,
      EventRecorder events,
      ClientAccess clientAccess,
      Finalization finalization,
      StatusWriter statusWriter,
      Rolling rolling,
      Healing healing) {
    return new ClusterForgetter(
        List.of(
            new Held("Admin client", gone -> quorum.forget(gone.key())),
            new Held("metrics", gone -> metrics.forget(gone.key())),
            new Held("agent token", gone -> tokens.forget(gone.key())),
            new Held("leader last seen", gone -> leaderSeenAt.remove(gone.key())),
            new Held("certificates seen", gone -> certificatesSeen.remove(gone.key())),
            new Held("remembered events", gone -> events.forget(gone.uid())),
            new Held("client ACLs checked", gone -> clientAccess.forget(gone.key())),
            new Held("metadata.version finalized", gone -> finalization.forget(gone.key())),
            new Held("status writes not yet cached", gone -> statusWriter.forget(gone.uid())),
            new Held("refused evictions", gone -> rolling.forget(gone.key())),
            new Held("refused voter changes", gone -> healing.forget(gone.key()))));
  }

  /** Drops everything held for {@code cr}; one failure does not keep the rest. */
  @Override
  public void accept(QuorumCluster cr) {
    Gone gone = new Gone(QuorumObservation.key(cr), cr.getMetadata().getUid());
    for (Held h : held) {
      try {
        h.forget().accept(gone);
      } catch (RuntimeException e) {
        LOG.warnf("cluster=%s %s not released: %s", gone.key(), h.what(), e.toString());
      }
    }
  }
}
