package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.BootstrapStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import io.quorumkeeper.operator.model.ClusterIdentity;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Pool;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;

/**
 * Generates a cluster's lifelong identifiers once (Kafka's own {@link Uuid} for the cluster id and
 * the initial voters' directory ids) and reads them back from status ever after.
 */
final class Identities {

  private Identities() {}

  /** The identity kept in status, if the cluster has one yet. */
  static ClusterIdentity kept(QuorumClusterStatus status) {
    if (status == null || status.getClusterId() == null || status.getBootstrap() == null) {
      return null;
    }
    BootstrapStatus bootstrap = status.getBootstrap();
    return new ClusterIdentity(
        status.getClusterId(), bootstrap.getInitialVoters(), bootstrap.isFormed());
  }

  /** A new identity: the first {@code voters} controllers are the initial voters. */
  static ClusterIdentity generate(QuorumCluster cr) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    int voters = cr.getSpec().getControllers().desiredVoters();
    List<VoterRef> initial = new ArrayList<>();
    for (int ordinal = 0; ordinal < voters; ordinal++) {
      initial.add(new VoterRef(controllers.nodeId(ordinal), Uuid.randomUuid().toString()));
    }
    return new ClusterIdentity(Uuid.randomUuid().toString(), initial, false);
  }

  static void writeTo(QuorumClusterStatus status, ClusterIdentity identity) {
    status.setClusterId(identity.clusterId());
    BootstrapStatus bootstrap = new BootstrapStatus();
    bootstrap.setFormed(identity.formed());
    bootstrap.setInitialVoters(new ArrayList<>(identity.initialVoters()));
    status.setBootstrap(bootstrap);
  }
}
