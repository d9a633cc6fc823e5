package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Secrets the cluster does not own (a user's CA, the CA cert-manager issued). The operator's
 * Secret cache holds only what carries its label, and must not list or watch anyone else's Secrets,
 * so one it does not hold is read with a GET and kept a while, as SecretClusterTrust keeps the CA
 * Secret: every pass (every observation, a few seconds apart) asks. What was read is kept {@link
 * #KEEP}, a missing Secret {@link #KEEP_ABSENT}; entries past their time are dropped at the next
 * read, so a deleted cluster's leave with it.
 */
final class ProvidedSecrets {

  static final Duration KEEP = Duration.ofSeconds(30);
  static final Duration KEEP_ABSENT = Duration.ofSeconds(5);

  private record Kept(Optional<Secret> secret, Instant until) {}

  private final KubernetesClient client;
  private final Map<ResourceID, Kept> kept = new ConcurrentHashMap<>();

  ProvidedSecrets(KubernetesClient client) {
    this.client = client;
  }

  /** The Secret of that name in the cluster's namespace, if it exists. */
  Optional<Secret> get(QuorumCluster cr, String name, Context<QuorumCluster> context, Instant now) {
    ResourceID id = new ResourceID(name, cr.getMetadata().getNamespace());
    Optional<Secret> cached = OwnedResources.cache(Secret.class, context).get(id);
    if (cached.isPresent()) {
      return cached; // labelled for the operator (cert-manager's secretTemplate): no API call
    }
    kept.values().removeIf(k -> !now.isBefore(k.until()));
    Kept current = kept.get(id);
    if (current != null) {
      return current.secret();
    }
    Optional<Secret> read =
        Optional.ofNullable(
            client.secrets().inNamespace(id.getNamespace().get()).withName(name).get());
    kept.put(id, new Kept(read, now.plus(read.isPresent() ? KEEP : KEEP_ABSENT)));
    return read;
  }
}
