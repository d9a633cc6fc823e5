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
 * replaces the old incarnation (at once in Auto mode, never under ReportOnly or while paused). So
 * while status says the quorum, with a leader and more than one voter, tolerates no further
 * failure, a pool with the controller role allows no eviction of a Ready pod at all ({@code
 * maxUnavailable: 0}); a pod that is not Ready may still go ({@code unhealthyPodEvictionPolicy:
 * AlwaysAllow}), so that a roll can restart a crash-looping pod with a fixed configuration (ADR
 * 035); otherwise the policy is the API server's default, {@code IfHealthyBudget}. A quorum of one
 * voter, which never tolerates a failure, and a quorum without a leader keep the usual budget.
 */
public final class DisruptionBudgetModel {

  static final String ALWAYS_ALLOW = "AlwaysAllow";

  /** The API server's default, written out so that a budget opened again loses AlwaysAllow. */
  static final String IF_HEALTHY_BUDGET = "IfHealthyBudget";

  private DisruptionBudgetModel() {}

  public static PodDisruptionBudget render(QuorumCluster cr, Pool pool) {
    boolean closed = pool.kind().hasControllerRole() && toleratesNoFailure(cr);
    return new PodDisruptionBudgetBuilder()
        .withMetadata(Owner.meta(cr, pool.name(), Labels.pool(pool)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(closed ? 0 : 1))
        .withUnhealthyPodEvictionPolicy(closed ? ALWAYS_ALLOW : IF_HEALTHY_BUDGET)
        .withNewSelector()
        .withMatchLabels(Labels.poolSelector(pool))
        .endSelector()
        .endSpec()
        .build();
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
