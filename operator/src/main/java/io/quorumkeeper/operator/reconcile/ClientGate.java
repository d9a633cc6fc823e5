package io.quorumkeeper.operator.reconcile;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.quorum.QuorumView;
import java.util.List;
import java.util.Optional;

/**
 * What a TLS cluster's clients need before it is Ready, in a pass's order: the users' Secrets of
 * its authenticated listeners ({@link ClientUsers}), the grants in Kafka ({@link ClientAccess}),
 * then, while writing, the users no listener needs any more are revoked ({@link
 * ClientRevocations}).
 */
final class ClientGate {

  private final ClientUsers users;
  private final ClientAccess access;
  private final ClientRevocations revocations;

  ClientGate(ClientUsers users, ClientAccess access, ClientRevocations revocations) {
    this.users = users;
    this.access = access;
    this.revocations = revocations;
  }

  /**
   * Why clients cannot use the cluster yet, if they cannot; the objects it could not write go to
   * {@code refused}.
   *
   * @param view Kafka's description of the quorum this pass, if any
   * @param formedBefore whether a pass before this one saw the quorum form
   */
  Optional<String> pending(
      QuorumCluster running,
      ClusterModel model,
      boolean write,
      Optional<QuorumView> view,
      boolean formedBefore,
      List<String> refused,
      Context<QuorumCluster> context) {
    ClientUsers.Step step = users.ensure(running, write, context);
    refused.addAll(step.refused());
    ClientAccess.Outcome granted =
        access.ensure(
            QuorumObservation.key(running),
            model.pools(),
            leaderEvidence(view, formedBefore, model, context),
            step.grants(),
            write ? Optional.of(step.wanted()) : Optional.empty(),
            formedBefore);
    if (write) {
      revocations.finish(running, step.wanted().users(), granted.revoked(), context);
    }
    return step.pending().or(granted::pending);
  }

  /**
   * What says the quorum has a leader the client grants can be written through: Kafka's own
   * description; or, while the cluster has never formed, a Ready broker pod (its agent answers the
   * probe only once its Kafka knows a leader and its broker runs), so that a new cluster's grants
   * are written while Kafka's first description is still under way rather than after it.
   */
  private static ClientAccess.LeaderEvidence leaderEvidence(
      Optional<QuorumView> view,
      boolean formedBefore,
      ClusterModel model,
      Context<QuorumCluster> context) {
    if (view.isPresent()) {
      return ClientAccess.LeaderEvidence.DESCRIBED;
    }
    return !formedBefore && Observed.brokerPodReady(model.pools(), context)
        ? ClientAccess.LeaderEvidence.BROKER_READY
        : ClientAccess.LeaderEvidence.NONE;
  }
}
