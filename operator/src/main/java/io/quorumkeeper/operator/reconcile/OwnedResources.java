package io.quorumkeeper.operator.reconcile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.Labels;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
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

  /**
   * Deletes an owned object the cluster no longer needs, guarded by the resourceVersion it was read
   * at, so an object re-created or changed since is never deleted. A failure is one log line: the
   * next pass finds the object again.
   *
   * @param why what the log line says after "deleted Kind name: "
   * @return whether this call deleted it
   */
  boolean deleteUnneeded(QuorumCluster owner, HasMetadata object, String why) {
    String what = object.getKind() + " " + object.getMetadata().getName();
    String key = owner.getMetadata().getNamespace() + "/" + owner.getMetadata().getName();
    try {
      boolean deleted = !client.resource(object).lockResourceVersion().delete().isEmpty();
      if (deleted) {
        LOG.infof("cluster=%s deleted %s: %s", key, what, why);
      }
      return deleted;
    } catch (KubernetesClientException e) {
      String reason = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
      LOG.warnf("cluster=%s %s not deleted, the next pass tries again: %s", key, what, reason);
      return false;
    }
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
      return create(desired, owner, cache, id);
    }
    if (!ownedBy(current.get(), owner)) {
      throw new NotOwnedException(current.get());
    }
    ObjectNode managed = managedFields.of(immutableDataKept(desired, current.get()));
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

  /**
   * An immutable ConfigMap keeps its data: its name carries the hash of all of it that matters
   * (ConfigMapModel), and what else may differ (the controller list) is left as created.
   */
  private <R extends HasMetadata> R immutableDataKept(R desired, R current) {
    if (current instanceof ConfigMap existing
        && Boolean.TRUE.equals(existing.getImmutable())
        && desired instanceof ConfigMap wanted
        && !Objects.equals(wanted.getData(), existing.getData())) {
      @SuppressWarnings("unchecked")
      R kept = (R) new ConfigMapBuilder(wanted).withData(existing.getData()).build();
      return kept;
    }
    return desired;
  }

  private <R extends HasMetadata> int create(
      R desired, QuorumCluster owner, InformerEventSource<R, QuorumCluster> cache, ResourceID id) {
    try {
      R created = client.resource(desired).create();
      LOG.infof(
          "namespace=%s created %s %s",
          desired.getMetadata().getNamespace(), desired.getKind(), desired.getMetadata().getName());
      cache.handleRecentResourceCreate(id, created);
      return 1;
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        return labelIfInvisible(desired, owner, cache, id);
      }
      throw e;
    }
  }

  /**
   * After a 409 on create: the object exists but the cache does not hold it. Usually the cache has
   * not seen it yet, and the informer event will bring us back to compare. But the caches select
   * {@link Labels#MANAGED_BY_SELECTOR}, so an object of ours that lacks the label (written by an
   * operator before the caches selected, or a user removed it) would stay invisible and be created
   * again on every pass: read it once and, if it is ours, give it back the label and nothing else
   * (a Secret's token is kept). Someone else's object is never touched.
   */
  private <R extends HasMetadata> int labelIfInvisible(
      R desired, QuorumCluster owner, InformerEventSource<R, QuorumCluster> cache, ResourceID id) {
    R existing = client.resource(desired).get();
    if (existing == null) {
      return 0; // deleted meanwhile; the next pass creates it
    }
    if (!ownedBy(existing, owner)) {
      throw new NotOwnedException(existing);
    }
    Map<String, String> labels =
        new TreeMap<>(Objects.requireNonNullElse(existing.getMetadata().getLabels(), Map.of()));
    if (Labels.OPERATOR_NAME.equals(labels.get(Labels.MANAGED_BY))) {
      return 0; // the cache had not seen it yet
    }
    labels.put(Labels.MANAGED_BY, Labels.OPERATOR_NAME);
    existing.getMetadata().setLabels(labels);
    R labelled = client.resource(existing).update(); // guarded by its resourceVersion
    LOG.infof(
        "namespace=%s labelled %s %s %s: it is ours but was invisible to the operator's caches",
        desired.getMetadata().getNamespace(),
        desired.getKind(),
        desired.getMetadata().getName(),
        Labels.MANAGED_BY_SELECTOR);
    cache.handleRecentResourceCreate(id, labelled);
    return 1;
  }

  @SuppressWarnings("unchecked")
  static <R extends HasMetadata> InformerEventSource<R, QuorumCluster> cache(
      Class<R> type, Context<QuorumCluster> context) {
    return (InformerEventSource<R, QuorumCluster>)
        context.eventSourceRetriever().getEventSourceFor(type);
  }
}
