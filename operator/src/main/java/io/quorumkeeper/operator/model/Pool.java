package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.quorumkeeper.operator.api.v1alpha1.spec.StorageSpec;
import java.util.stream.IntStream;

/**
 * One pool of identical pods of a cluster, with the names the operator derives for it.
 *
 * @param cluster the QuorumCluster's name
 * @param namespace the QuorumCluster's namespace
 */
public record Pool(
    String cluster,
    String namespace,
    PoolKind kind,
    int replicas,
    StorageSpec storage,
    ResourceRequirements resources) {

  /** The most pods a pool may have (the validator's range, 1-99). */
  public static final int MAX_REPLICAS = 99;

  public static final int KAFKA_PORT = 9092;
  public static final int CONTROLLER_PORT = 9093;
  public static final int AGENT_PORT = 8080;

  /** Broker-to-broker replication with mutual TLS, on TLS clusters only. */
  public static final int REPLICATION_PORT = 9091;

  /** The same pool with {@code n} pods. */
  public Pool withReplicas(int n) {
    return new Pool(cluster, namespace, kind, n, storage, resources);
  }

  /** Name of the StatefulSet, its headless Service and the prefix of its pods. */
  public String name() {
    return cluster + "-" + kind.suffix();
  }

  /**
   * The pool's one mutable ConfigMap of operators before content-addressed ConfigMaps: pods created
   * by them still mount it, so it is kept, never written again, until no pod refers to it.
   */
  public String legacyConfigMapName() {
    return name() + "-config";
  }

  /**
   * The pool's server.properties with the config hash {@code nameHash} ({@link ConfigMapModel}).
   */
  public String configMapName(String nameHash) {
    return legacyConfigMapName() + "-" + nameHash;
  }

  /** The pool's bootstrap.properties, the launcher's instructions ({@link ConfigMapModel}). */
  public String bootstrapConfigMapName() {
    return name() + "-bootstrap";
  }

  /** Whether {@code name} is one of this pool's server.properties ConfigMaps, or the legacy one. */
  public boolean isConfigMapName(String name) {
    return name.equals(legacyConfigMapName()) || name.startsWith(legacyConfigMapName() + "-");
  }

  public String podName(int ordinal) {
    return name() + "-" + ordinal;
  }

  /** The pod's stable DNS name through the pool's headless Service. */
  public String podHost(int ordinal) {
    return podName(ordinal) + "." + name() + "." + namespace + ".svc";
  }

  public int nodeId(int ordinal) {
    return kind.nodeId(ordinal);
  }

  /** host:port of each pod's controller listener, in ordinal order. */
  public String controllerEndpoints() {
    return String.join(
        ",",
        IntStream.range(0, replicas).mapToObj(i -> podHost(i) + ":" + CONTROLLER_PORT).toList());
  }
}
