package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.ConfigMapModel;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.StatefulSetModel;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The pools' server.properties ConfigMaps beyond the model's: each pod mounts the one its template
 * named when the pod was created, so an older one stays while any pod (or the StatefulSet's current
 * template) refers to it, and goes once none does. The legacy {@code <pool>-config} of operators
 * before hash-named ConfigMaps is one of them: pods created by those still mount it.
 */
final class PoolConfigMaps {

  private final OwnedResources owned;

  PoolConfigMaps(OwnedResources owned) {
    this.owned = owned;
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
    stale.forEach(map -> owned.deleteUnneeded(cr, map, "no pod of the cluster mounts it any more"));
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
    return ofPool(cr, ClusterModel.pools(cr).get(0), context);
  }

  /**
   * The server.properties ConfigMap of the pool that serves clients (the node pool, or the broker
   * pool of a Separated cluster): the one its StatefulSet's template mounts, else the newest.
   */
  static Optional<ConfigMap> servingClients(QuorumCluster cr, Context<QuorumCluster> context) {
    List<Pool> pools = ClusterModel.pools(cr);
    Pool pool = pools.get(pools.size() - 1);
    List<ConfigMap> maps =
        ofPool(cr, pool, context).stream()
            .filter(m -> m.getData() != null)
            .filter(m -> m.getData().containsKey(ConfigMapModel.SERVER_PROPERTIES))
            .toList();
    Set<String> mounted =
        OwnedResources.cache(StatefulSet.class, context)
            .get(new ResourceID(pool.name(), cr.getMetadata().getNamespace()))
            .filter(set -> set.getSpec() != null && set.getSpec().getTemplate() != null)
            .map(
                set ->
                    Set.copyOf(
                        StatefulSetModel.configMapsOf(set.getSpec().getTemplate().getSpec())))
            .orElse(Set.of());
    return maps.stream()
        .filter(m -> mounted.contains(m.getMetadata().getName()))
        .findFirst()
        .or(() -> maps.stream().findFirst());
  }

  private static List<ConfigMap> ofPool(
      QuorumCluster cr, Pool pool, Context<QuorumCluster> context) {
    return context.getSecondaryResources(ConfigMap.class).stream()
        .filter(map -> OwnedResources.ownedBy(map, cr))
        .filter(map -> ofPool(map, List.of(pool)))
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
}
