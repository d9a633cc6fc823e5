package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.UserRevocation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Kubernetes side of revoking the users of listeners that are gone (removed, renamed, or
 * anonymous now): their Secrets {@code <cluster>-<listener>-user} that this cluster owns are
 * deleted, never one it does not own; and each user revoked, here or in Kafka ({@link
 * ClientAccess}), is announced by a {@code ClientUserRevoked} event.
 */
final class ClientRevocations {

  private final OwnedResources owned;
  private final EventRecorder events;

  ClientRevocations(OwnedResources owned, EventRecorder events) {
    this.owned = owned;
    this.events = events;
  }

  /**
   * @param wanted the users of the current authenticated listeners: their Secrets stay
   * @param revoked what the pass revoked in Kafka
   */
  void finish(
      QuorumCluster cr,
      Set<String> wanted,
      UserRevocation revoked,
      Context<QuorumCluster> context) {
    Map<String, List<String>> deleted = new TreeMap<>();
    revoked.users().forEach(u -> deleted.put(u, new ArrayList<>(revoked.what(u))));
    for (Secret secret : unwanted(cr, wanted, context)) {
      if (owned.deleteUnneeded(cr, secret, "no current listener needs its user")) {
        deleted
            .computeIfAbsent(secret.getMetadata().getName(), u -> new ArrayList<>())
            .add("its Secret");
      }
    }
    deleted.forEach(
        (user, what) ->
            events.normal(
                cr,
                EventReason.ClientUserRevoked,
                "client user "
                    + user
                    + " revoked: deleted "
                    + String.join(", ", what)
                    + ", which no current listener needs"));
  }

  /** This cluster's own user Secrets that no current listener needs. */
  private static List<Secret> unwanted(
      QuorumCluster cr, Set<String> wanted, Context<QuorumCluster> context) {
    String cluster = cr.getMetadata().getName();
    return OwnedResources.cache(Secret.class, context)
        .list(
            cr.getMetadata().getNamespace(),
            s ->
                OwnedResources.ownedBy(s, cr)
                    && s.getMetadata().getLabels() != null
                    && cluster.equals(s.getMetadata().getLabels().get(Labels.CLUSTER))
                    && UserRevocation.operatorUser(cluster, s.getMetadata().getName())
                    && !wanted.contains(s.getMetadata().getName()))
        .toList();
  }
}
