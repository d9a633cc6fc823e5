package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import java.util.ArrayList;
import java.util.List;

/**
 * The desired state of a cluster: every object the operator keeps in line with a QuorumCluster,
 * computed purely from the resource, its identity and the operator's settings.
 */
public record ClusterModel(
    List<Pool> pools,
    List<ConfigMap> configMaps,
    List<Service> services,
    List<StatefulSet> statefulSets,
    List<PodDisruptionBudget> disruptionBudgets,
    NetworkPolicy networkPolicy) {

  public static ClusterModel from(
      QuorumCluster cr, ClusterIdentity identity, ModelSettings settings) {
    return from(cr, identity, settings, 0);
  }

  /**
   * The model with the controller pool kept at no fewer than {@code keepControllerPods} pods: a pod
   * that still runs a voter goes only once its voter has been removed, whatever the spec says.
   */
  public static ClusterModel from(
      QuorumCluster cr, ClusterIdentity identity, ModelSettings settings, int keepControllerPods) {
    return from(cr, identity, settings, keepControllerPods, null);
  }

  /**
   * The model of a cluster whose certificates are at {@code certificates} (the revision on its
   * {@code <cluster>-tls} Secret, null for a plaintext cluster): on the pod templates, so that
   * renewed certificates roll the pods like any other template change.
   */
  public static ClusterModel from(
      QuorumCluster cr,
      ClusterIdentity identity,
      ModelSettings settings,
      int keepControllerPods,
      String certificates) {
    return from(cr, identity, settings, pools(cr, keepControllerPods), certificates);
  }

  /**
   * The model of {@code pools} as given (each kept at the pods it must keep, {@link #pools(
   * QuorumCluster, int)}), with the certificates' revision as above.
   */
  public static ClusterModel from(
      QuorumCluster cr,
      ClusterIdentity identity,
      ModelSettings settings,
      List<Pool> pools,
      String certificates) {
    Pool controllerPool = pools.get(0);
    int brokerCount =
        pools.stream().filter(p -> p.kind().hasBrokerRole()).mapToInt(Pool::replicas).sum();
    List<ConfigMap> configMaps = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    List<StatefulSet> statefulSets = new ArrayList<>();
    List<PodDisruptionBudget> budgets = new ArrayList<>();
    List<ClientListener> clients = ClientListener.of(cr.getSpec(), identity);
    for (Pool pool : pools) {
      ConfigMap configMap = ConfigMapModel.render(cr, pool, controllerPool, brokerCount, identity);
      configMaps.add(configMap);
      configMaps.add(ConfigMapModel.renderBootstrap(cr, pool, controllerPool, identity));
      services.add(ServiceModel.headless(cr, pool, identity.transport(), clients));
      statefulSets.add(
          StatefulSetModel.render(
              cr,
              pool,
              ConfigMapModel.hash(configMap),
              settings,
              identity.transport(),
              certificates,
              clients));
      budgets.add(DisruptionBudgetModel.render(cr, pool));
    }
    services.add(ServiceModel.bootstrap(cr, clients));
    return new ClusterModel(
        List.copyOf(pools),
        List.copyOf(configMaps),
        List.copyOf(services),
        List.copyOf(statefulSets),
        List.copyOf(budgets),
        NetworkPolicyModel.render(cr, clients, settings.operatorNamespace()));
  }

  /** The kinds of pool a topology runs, the one with the controller role first. */
  public static List<PoolKind> poolKinds(Topology topology) {
    return topology == Topology.Separated
        ? List.of(PoolKind.CONTROLLER, PoolKind.BROKER)
        : List.of(PoolKind.NODE);
  }

  /** The pools the model renders: the controller pool kept at no fewer than {@code keep} pods. */
  public static List<Pool> pools(QuorumCluster cr, int keepControllerPods) {
    List<Pool> pools = new ArrayList<>(pools(cr));
    if (keepControllerPods > pools.get(0).replicas()) {
      pools.set(0, pools.get(0).withReplicas(keepControllerPods));
    }
    return List.copyOf(pools);
  }

  /** The pools of a cluster, the one with the controller role first. */
  public static List<Pool> pools(QuorumCluster cr) {
    QuorumClusterSpec spec = cr.getSpec();
    String name = cr.getMetadata().getName();
    String namespace = cr.getMetadata().getNamespace();
    var controllers = spec.getControllers();
    if (spec.getTopology() == Topology.Separated) {
      var brokers = spec.getBrokers();
      return List.of(
          new Pool(
              name,
              namespace,
              PoolKind.CONTROLLER,
              controllers.getReplicas(),
              controllers.getStorage(),
              controllers.getResources()),
          new Pool(
              name,
              namespace,
              PoolKind.BROKER,
              brokers.getReplicas(),
              brokers.getStorage(),
              brokers.getResources()));
    }
    return List.of(
        new Pool(
            name,
            namespace,
            PoolKind.NODE,
            controllers.getReplicas(),
            controllers.getStorage(),
            controllers.getResources()));
  }

  /** Everything the model renders, in the order it should be created. */
  public List<HasMetadata> all() {
    List<HasMetadata> all = new ArrayList<>();
    all.addAll(configMaps);
    all.addAll(services);
    all.addAll(disruptionBudgets);
    all.add(networkPolicy); // before the pods exist, so that they are never unprotected
    all.addAll(statefulSets);
    return all;
  }
}
