package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.QuorumStatus;

/**
 * A pool's PodDisruptionBudget: a drain never takes two of its pods (two voters) at once.
 *
 * <p>The budget counts Ready pods, and a pod can be Ready while its voter carries nothing: a voter
 * whose disk was lost comes back Ready as an observer under a new directory id until healing
 * replaces the old incarnation (at once in Auto mode, never under ReportOnly). So while status says
 * the quorum, with a leader and more than one voter, tolerates no further failure, a pool with the
 * controller role allows no eviction at all ({@code maxUnavailable: 0}; with the API server's
 * default policy a pod that is not Ready cannot be evicted either while any pod is unhealthy). A
 * roll that must restart such a pod (a crash-looping voter that needs a fixed configuration)
 * deletes it instead ({@link #closed}, ADR 035). A quorum of one voter, which never tolerates a
 * failure, and a quorum without a leader keep the usual budget.
 */
public final class DisruptionBudgetModel {

  private DisruptionBudgetModel() {}

  public static PodDisruptionBudget render(QuorumCluster cr, Pool pool) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(Owner.meta(cr, pool.name(), Labels.pool(pool)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(closed(cr, pool) ? 0 : 1))
        .withNewSelector()
        .withMatchLabels(Labels.poolSelector(pool))
        .endSelector()
        .endSpec()
        .build();
  }

  /** Whether {@code pool}'s budget allows no eviction: see the class comment. */
  public static boolean closed(QuorumCluster cr, Pool pool) {
    return pool.kind().hasControllerRole() && toleratesNoFailure(cr);
  }

  /** Whether status shows a led quorum of several voters that survives no further failure. */
  static boolean toleratesNoFailure(QuorumCluster cr) {
    QuorumStatus quorum = cr.getStatus() == null ? null : cr.getStatus().getQuorum();
    return quorum != null
        && quorum.getLeaderId() != null
        && quorum.getVoters() != null
        && quorum.getVoters() > 1
        && quorum.getFaultTolerance() != null
        && quorum.getFaultTolerance() <= 0;
  }
}
