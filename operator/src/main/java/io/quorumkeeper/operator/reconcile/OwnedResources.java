package io.quorumkeeper.operator.reconcile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.net.HttpURLConnection;
import java.util.Optional;
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

  /** Creates or patches {@code desired}; returns how many writes it made (0 or 1). */
  <R extends HasMetadata> int apply(R desired, Context<QuorumCluster> context) {
    @SuppressWarnings("unchecked")
    Class<R> type = (Class<R>) desired.getClass();
    InformerEventSource<R, QuorumCluster> cache = cache(type, context);
    ResourceID id = ResourceID.fromResource(desired);
    Optional<R> current = cache.get(id);
    if (current.isEmpty()) {
      return create(desired, cache, id);
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
