package io.quorumkeeper.operator.model;

import java.util.Map;
import java.util.TreeMap;

/** The labels the operator puts on what it creates, and the ones it selects pods by. */
public final class Labels {

  public static final String CLUSTER = "quorumkeeper.io/cluster";
  public static final String POOL = "quorumkeeper.io/pool";
  public static final String BROKER_ROLE = "quorumkeeper.io/broker";
  public static final String CONTROLLER_ROLE = "quorumkeeper.io/controller";
  public static final String CONFIG_HASH = "quorumkeeper.io/config-hash";

  /**
   * The certificates revision of a TLS cluster, on its {@code <cluster>-tls} Secret and its pod
   * templates: it changes when the certificate of an existing pod is issued again (renewal) or the
   * CA changes, never when a new pod's certificate is added, so renewal rolls the pods through the
   * template hash like any other template change.
   */
  public static final String CERTIFICATES = "quorumkeeper.io/certificates";

  /**
   * SHA-256 of the rest of the pod template, on the template and so on every pod made from it: a
   * pod whose value differs from its StatefulSet's is outdated and waits for the operator's roll.
   */
  public static final String TEMPLATE_HASH = "quorumkeeper.io/template-hash";

  /**
   * A user's restart request: on the QuorumCluster, any new value is copied onto the pod templates,
   * which rolls every pod once (as {@code kubectl rollout restart} does).
   */
  public static final String RESTART = "quorumkeeper.io/restart";

  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String OPERATOR_NAME = "quorum-keeper";

  /**
   * What the operator's informers for owned kinds select: every object it creates carries it, so
   * the operator never lists, watches or caches anyone else's Secrets, ConfigMaps, ...
   */
  public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + OPERATOR_NAME;

  private Labels() {}

  /** Labels of everything the cluster owns. */
  public static Map<String, String> cluster(String cluster) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("app.kubernetes.io/name", "kafka");
    labels.put("app.kubernetes.io/instance", cluster);
    labels.put(MANAGED_BY, OPERATOR_NAME);
    labels.put(CLUSTER, cluster);
    return labels;
  }

  /** Labels of a pool's objects and pods. */
  public static Map<String, String> pool(Pool pool) {
    Map<String, String> labels = cluster(pool.cluster());
    labels.put("app.kubernetes.io/component", pool.kind().suffix());
    labels.put(POOL, pool.kind().suffix());
    if (pool.kind().hasBrokerRole()) {
      labels.put(BROKER_ROLE, "true");
    }
    if (pool.kind().hasControllerRole()) {
      labels.put(CONTROLLER_ROLE, "true");
    }
    return labels;
  }

  /** The immutable selector of a pool's StatefulSet, Service and PodDisruptionBudget. */
  public static Map<String, String> poolSelector(Pool pool) {
    Map<String, String> selector = new TreeMap<>();
    selector.put(CLUSTER, pool.cluster());
    selector.put(POOL, pool.kind().suffix());
    return selector;
  }
}
