package io.quorumkeeper.operator.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.model.ClusterIdentity;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.status.StatusWriter;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * What status records once and for ever about how the cluster was bootstrapped: its identity
 * (cluster id, transport, default listener authentication) before any object carries it, and that
 * its quorum formed.
 */
final class BootstrapRecords {

  private static final Logger LOG = Logger.getLogger(BootstrapRecords.class);

  private final StatusWriter statusWriter;

  BootstrapRecords(StatusWriter statusWriter) {
    this.statusWriter = statusWriter;
  }

  /**
   * The identity is written to status before any object that carries it exists. If status lost it
   * while the cluster's objects remain, it is read back from the bootstrap instructions those
   * objects carry: a cluster never gets a second cluster id.
   */
  QuorumCluster persistIdentity(QuorumCluster cr, Context<QuorumCluster> context) {
    QuorumClusterStatus previous =
        cr.getStatus() == null ? new QuorumClusterStatus() : cr.getStatus();
    ClusterIdentity kept = Identities.kept(previous);
    if (kept != null
        && previous.getBootstrap().getTransport() != null
        && previous.getBootstrap().getClientAuthentication() != null) {
      return cr;
    }
    if (kept != null) {
      // Status from before transports or authenticated default listeners: write down the
      // plaintext and the anonymous 9092 the cluster has always run (ADR 012, ADR 015).
      QuorumClusterStatus next = statusWriter.copy(previous);
      next.getBootstrap().setTransport(kept.transport());
      next.getBootstrap().setClientAuthentication(kept.clients());
      LOG.infof(
          "cluster=%s transport %s, default listener authentication %s (the cluster predates"
              + " them, ADR 012, ADR 015)",
          QuorumObservation.key(cr), kept.transport(), kept.clients());
      return statusWriter.write(cr, next);
    }
    Optional<ClusterIdentity> recovered =
        Identities.recover(PoolConfigMaps.ofControllerPool(cr, context));
    ClusterIdentity identity = recovered.orElseGet(() -> Identities.generate(cr));
    QuorumClusterStatus next = statusWriter.copy(previous);
    Identities.writeTo(next, identity);
    LOG.infof(
        "cluster=%s %s cluster id %s, transport %s",
        QuorumObservation.key(cr),
        recovered.isPresent() ? "recovered from its ConfigMap the" : "generated",
        identity.clusterId(),
        identity.transport());
    return statusWriter.write(cr, next);
  }

  /** Once a leader was seen, every empty controller disk joins as an observer, forever. */
  QuorumCluster markFormed(QuorumCluster cr) {
    if (QuorumObservation.formed(cr)) {
      return cr;
    }
    QuorumClusterStatus next = statusWriter.copy(cr.getStatus());
    next.getBootstrap().setFormed(true);
    LOG.infof(
        "cluster=%s quorum formed: new controller disks now join as observers",
        QuorumObservation.key(cr));
    return statusWriter.write(cr, next);
  }
}
