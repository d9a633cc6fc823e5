package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.StatefulSetModel;
import io.quorumkeeper.operator.observe.QuorumObservation;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The pools' server.properties ConfigMaps beyond the model's: each pod mounts the one its template
 * named when the pod was created, so an older one stays while any pod (or the StatefulSet's current
 * template) refers to it, and goes once none does. The legacy {@code <pool>-config} of operators
 * before hash-named ConfigMaps is one of them: pods created by those still mount it.
 */
final class PoolConfigMaps {

  private static final Logger LOG = Logger.getLogger(PoolConfigMaps.class);

  private final KubernetesClient client;

  PoolConfigMaps(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Deletes the ConfigMaps of {@code model}'s pools that nothing refers to, only once every desired
   * ConfigMap is in the cache: never before the new one exists.
   */
  void prune(QuorumCluster cr, ClusterModel model, Context<QuorumCluster> context) {
    if (!model.statefulSets().stream().allMatch(set -> mountable(set, context))) {
      return;
    }
    List<ConfigMap> stale =
        stale(
            cr,
            model.pools(),
            model.configMaps(),
            context.getSecondaryResources(ConfigMap.class),
            context.getSecondaryResources(Pod.class),
            context.getSecondaryResources(StatefulSet.class));
    stale.forEach(map -> delete(cr, map));
  }

  /**
   * Whether every ConfigMap the template of {@code set} mounts is in the cache (or just written).
   */
  static boolean mountable(StatefulSet set, Context<QuorumCluster> context) {
    var cache = OwnedResources.cache(ConfigMap.class, context);
    String namespace = set.getMetadata().getNamespace();
    return StatefulSetModel.configMapsOf(set.getSpec().getTemplate().getSpec()).stream()
        .allMatch(name -> cache.get(new ResourceID(name, namespace)).isPresent());
  }

  /**
   * The ConfigMaps owned by {@code cr} with a pool's name and label that are not desired and that
   * no pod and no StatefulSet template mounts.
   */
  static List<ConfigMap> stale(
      QuorumCluster cr,
      List<Pool> pools,
      List<ConfigMap> desired,
      Collection<ConfigMap> current,
      Collection<Pod> pods,
      Collection<StatefulSet> sets) {
    Set<String> kept = names(desired.stream());
    pods.forEach(pod -> kept.addAll(StatefulSetModel.configMapsOf(pod.getSpec())));
    sets.stream()
        .filter(set -> set.getSpec() != null && set.getSpec().getTemplate() != null)
        .forEach(
            set ->
                kept.addAll(StatefulSetModel.configMapsOf(set.getSpec().getTemplate().getSpec())));
    return current.stream()
        .filter(map -> OwnedResources.ownedBy(map, cr))
        .filter(map -> ofPool(map, pools))
        .filter(map -> !kept.contains(map.getMetadata().getName()))
        .sorted(Comparator.comparing(map -> map.getMetadata().getName()))
        .toList();
  }

  /**
   * The controller pool's ConfigMaps owned by {@code cr}, the newest first: its
   * bootstrap.properties, its server.properties of each config, the legacy one with both.
   */
  static List<ConfigMap> ofControllerPool(QuorumCluster cr, Context<QuorumCluster> context) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    return context.getSecondaryResources(ConfigMap.class).stream()
        .filter(map -> OwnedResources.ownedBy(map, cr))
        .filter(map -> ofPool(map, List.of(controllers)))
        .sorted(
            Comparator.comparing(
                    (ConfigMap map) ->
                        Objects.requireNonNullElse(map.getMetadata().getCreationTimestamp(), ""))
                .reversed())
        .toList();
  }

  private static boolean ofPool(ConfigMap map, List<Pool> pools) {
    String pool =
        map.getMetadata().getLabels() == null
            ? null
            : map.getMetadata().getLabels().get(Labels.POOL);
    return pools.stream()
        .anyMatch(
            p ->
                p.kind().suffix().equals(pool)
                    && (p.isConfigMapName(map.getMetadata().getName())
                        || p.bootstrapConfigMapName().equals(map.getMetadata().getName())));
  }

  private static Set<String> names(Stream<? extends HasMetadata> objects) {
    Set<String> names = new HashSet<>();
    objects.forEach(object -> names.add(object.getMetadata().getName()));
    return names;
  }

  /** A failed delete is logged: the next pass finds the ConfigMap again. */
  private void delete(QuorumCluster cr, ConfigMap map) {
    String namespace = map.getMetadata().getNamespace();
    try {
      client.configMaps().inNamespace(namespace).withName(map.getMetadata().getName()).delete();
      LOG.infof(
          "cluster=%s deleted ConfigMap %s: no pod of the cluster mounts it any more",
          QuorumObservation.key(cr), map.getMetadata().getName());
    } catch (KubernetesClientException e) {
      LOG.warnf(
          "cluster=%s ConfigMap %s not deleted, the next pass tries again: %s",
          QuorumObservation.key(cr), map.getMetadata().getName(), e.getMessage());
    }
  }
}
