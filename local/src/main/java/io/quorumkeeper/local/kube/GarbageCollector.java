package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quorumkeeper.local.api.QuorumClusters;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' garbage collector, which the mock API lacks: an object all of whose owners are gone
 * is deleted (background propagation), so deleting a QuorumCluster removes its StatefulSets, then
 * their pods and (when the retention policy says Delete) their claims.
 */
public final class GarbageCollector {

  private static final Logger LOG = LoggerFactory.getLogger(GarbageCollector.class);
  private static final Set<String> KNOWN_OWNERS =
      Set.of(QuorumClusters.KIND, "StatefulSet", "Pod", "Service", "ConfigMap", "Secret");
  private final KubernetesClient client;

  public GarbageCollector(KubernetesClient client) {
    this.client = client;
  }

  /** One pass; returns how many objects were deleted. */
  public int collect() {
    List<HasMetadata> all = new ArrayList<>(QuorumClusters.all(client));
    all.addAll(client.configMaps().inAnyNamespace().list().getItems());
    all.addAll(client.secrets().inAnyNamespace().list().getItems());
    all.addAll(client.services().inAnyNamespace().list().getItems());
    all.addAll(client.apps().statefulSets().inAnyNamespace().list().getItems());
    all.addAll(client.policy().v1().podDisruptionBudget().inAnyNamespace().list().getItems());
    all.addAll(client.network().v1().networkPolicies().inAnyNamespace().list().getItems());
    all.addAll(client.pods().inAnyNamespace().list().getItems());
    all.addAll(client.persistentVolumeClaims().inAnyNamespace().list().getItems());
    Set<String> uids = new HashSet<>();
    all.forEach(o -> uids.add(o.getMetadata().getUid()));
    int deleted = 0;
    for (HasMetadata o : all) {
      List<OwnerReference> owners = o.getMetadata().getOwnerReferences();
      if (!owners.isEmpty()
          && owners.stream().allMatch(r -> KNOWN_OWNERS.contains(r.getKind()))
          && owners.stream().noneMatch(r -> uids.contains(r.getUid()))
          && owners.stream().noneMatch(r -> exists(r, o.getMetadata().getNamespace()))) {
        try {
          client.resource(o).delete();
          deleted++;
          LOG.info(
              "garbage collected {} {}/{}: its owner is gone",
              o.getKind(),
              o.getMetadata().getNamespace(),
              o.getMetadata().getName());
        } catch (KubernetesClientException e) {
          LOG.debug("could not delete {}: {}", o.getMetadata().getName(), e.getMessage());
        }
      }
    }
    return deleted;
  }

  /** A second look, by name: the owner may have been created after the list above was taken. */
  private boolean exists(OwnerReference ref, String namespace) {
    HasMetadata owner =
        switch (ref.getKind()) {
          case QuorumClusters.KIND ->
              QuorumClusters.of(client).inNamespace(namespace).withName(ref.getName()).get();
          case "StatefulSet" ->
              client.apps().statefulSets().inNamespace(namespace).withName(ref.getName()).get();
          case "Pod" -> client.pods().inNamespace(namespace).withName(ref.getName()).get();
          case "Service" -> client.services().inNamespace(namespace).withName(ref.getName()).get();
          case "ConfigMap" ->
              client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
          default -> client.secrets().inNamespace(namespace).withName(ref.getName()).get();
        };
    return owner != null && ref.getUid().equals(owner.getMetadata().getUid());
  }
}
