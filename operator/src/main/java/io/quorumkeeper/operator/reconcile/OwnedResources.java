package io.quorumkeeper.operator.reconcile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Brings the objects a cluster owns in line with the model: creates what is missing and merge-
 * patches (guarded by resourceVersion) what differs in a managed field. Current state comes from
 * the informer caches, and each write is put back into its cache, so a pass with nothing to do
 * makes no API call.
 */
final class OwnedResources {

  private static final Logger LOG = Logger.getLogger(OwnedResources.class);

  private final KubernetesClient client;
  private final ManagedFields managedFields;

  OwnedResources(KubernetesClient client) {
    this.client = client;
    this.managedFields = new ManagedFields(client.getKubernetesSerialization());
  }

  /** An object with an owned name exists but belongs to someone else: it is never adopted. */
  static final class NotOwnedException extends RuntimeException {
    NotOwnedException(HasMetadata existing) {
      super(
          "exists and does not belong to this QuorumCluster; the operator leaves it alone (rename"
              + " or delete "
              + existing.getKind()
              + " "
              + existing.getMetadata().getName()
              + ")");
    }
  }

  /**
   * Writes each desired object on its own: one the API server refuses, or one that exists without
   * belonging to {@code owner}, is skipped and named in the answer, and the rest are still written.
   *
   * @return what was not written, one readable line each
   */
  List<String> applyAll(
      List<Supplier<HasMetadata>> desired, QuorumCluster owner, Context<QuorumCluster> context) {
    List<String> refused = new ArrayList<>();
    int writes = 0;
    for (Supplier<HasMetadata> next : desired) {
      HasMetadata object = next.get();
      if (object == null) {
        continue;
      }
      try {
        writes += apply(object, owner, context);
      } catch (NotOwnedException | KubernetesClientException e) {
        String why =
            e instanceof KubernetesClientException k && k.getStatus() != null
                ? k.getStatus().getMessage()
                : e.getMessage();
        LOG.warnf(
            "namespace=%s %s %s not written: %s",
            object.getMetadata().getNamespace(),
            object.getKind(),
            object.getMetadata().getName(),
            why);
        refused.add(object.getKind() + " " + object.getMetadata().getName() + ": " + why);
      }
    }
    if (writes > 0) {
      LOG.infof(
          "cluster=%s/%s wrote %d owned objects",
          owner.getMetadata().getNamespace(), owner.getMetadata().getName(), writes);
    }
    return refused;
  }

  /** Whether {@code object} carries an owner reference to this very resource (by uid). */
  static boolean ownedBy(HasMetadata object, QuorumCluster owner) {
    String uid = owner.getMetadata().getUid();
    List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
    return refs != null
        && refs.stream().anyMatch(r -> r.getUid() != null && r.getUid().equals(uid));
  }

  /** Creates or patches {@code desired}; returns how many writes it made (0 or 1). */
  <R extends HasMetadata> int apply(
      R desired, QuorumCluster owner, Context<QuorumCluster> context) {
    @SuppressWarnings("unchecked")
    Class<R> type = (Class<R>) desired.getClass();
    InformerEventSource<R, QuorumCluster> cache = cache(type, context);
    ResourceID id = ResourceID.fromResource(desired);
    Optional<R> current = cache.get(id);
    if (current.isEmpty()) {
      return create(desired, cache, id);
    }
    if (!ownedBy(current.get(), owner)) {
      throw new NotOwnedException(current.get());
    }
    ObjectNode managed = managedFields.of(desired);
    if (managedFields.satisfiedBy(managed, current.get())) {
      return 0;
    }
    LOG.infof(
        "namespace=%s updating %s %s: a managed field differs from the desired state",
        desired.getMetadata().getNamespace(), desired.getKind(), desired.getMetadata().getName());
    // A replace guarded by resourceVersion, built from the current object with the managed fields
    // set: every API server (and Fabric8's mock, whose merge patch appends to lists) stores exactly
    // this, and a concurrent writer makes it fail instead of being overwritten.
    R updated = client.resource(managedFields.applyTo(managed, current.get(), type)).update();
    cache.handleRecentResourceUpdate(id, updated, current.get());
    return 1;
  }

  private <R extends HasMetadata> int create(
      R desired, InformerEventSource<R, QuorumCluster> cache, ResourceID id) {
    try {
      R created = client.resource(desired).create();
      LOG.infof(
          "namespace=%s created %s %s",
          desired.getMetadata().getNamespace(), desired.getKind(), desired.getMetadata().getName());
      cache.handleRecentResourceCreate(id, created);
      return 1;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        // The cache had not seen it yet; the informer event will bring us back to compare.
        return 0;
      }
      throw e;
    }
  }

  @SuppressWarnings("unchecked")
  static <R extends HasMetadata> InformerEventSource<R, QuorumCluster> cache(
      Class<R> type, Context<QuorumCluster> context) {
    return (InformerEventSource<R, QuorumCluster>)
        context.eventSourceRetriever().getEventSourceFor(type);
  }
}
