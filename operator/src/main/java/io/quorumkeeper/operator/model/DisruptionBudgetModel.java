package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;

/** A pool's PodDisruptionBudget: a drain never takes two of its pods (two voters) at once. */
public final class DisruptionBudgetModel {

  private DisruptionBudgetModel() {}

  public static PodDisruptionBudget render(QuorumCluster cr, Pool pool) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(Owner.meta(cr, pool.name(), Labels.pool(pool)))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Labels.poolSelector(pool))
        .endSelector()
        .endSpec()
        .build();
  }
}
