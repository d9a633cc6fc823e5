package io.quorumkeeper.operator.model;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pool's ConfigMaps: the server.properties template, and the launcher's instructions. The first
 * is immutable under a name with its hash, and the pod template names it: a container that restarts
 * reads the config of its pod's template, never a newer one that only the quorum-aware roll may
 * bring (a restart outside the roll, by a crash, an OOM kill or a failed probe, must not take a
 * change to a pod the roll has not reached). The pod sees both in one directory (a projected
 * volume, see {@link StatefulSetModel}).
 */
public final class ConfigMapModel {

  public static final String SERVER_PROPERTIES = "server.properties";
  public static final String BOOTSTRAP_PROPERTIES = "bootstrap.properties";
  private static final int NAME_HASH_LENGTH = 10;
  private static final String DISCOVERY_KEY = "controller.quorum.bootstrap.servers";

  private ConfigMapModel() {}

  /**
   * The pool's server.properties, immutable under a name with its {@link #hash}: the same config
   * keeps its name, a changed one gets a new name that only the pods the roll re-creates mount.
   * Only the controller list may differ under one name: an existing one keeps the list it was
   * created with (only where a starting node looks for the quorum; every list names pod 0 of the
   * controller pool, which exists as long as the pool does).
   */
  public static ConfigMap render(
      QuorumCluster cr, Pool pool, Pool controllerPool, int brokerCount, ClusterIdentity identity) {
    String server =
        KafkaConfig.render(
            pool,
            controllerPool,
            brokerCount,
            cr.getSpec().getKafka().getConfig(),
            identity.transport(),
            ClientListener.of(cr.getSpec(), identity));
    return new ConfigMapBuilder()
        .withMetadata(
            Owner.meta(cr, pool.configMapName(nameHash(hashOf(server))), Labels.pool(pool)))
        .withData(new TreeMap<>(Map.of(SERVER_PROPERTIES, server)))
        .withImmutable(true)
        .build();
  }

  /**
   * The pool's launcher instructions under a fixed name, mutable: {@code cluster.formed} must reach
   * every pod, rolled or not, once the quorum has formed (an empty controller disk then joins as an
   * observer and never forms a quorum of its own).
   */
  public static ConfigMap renderBootstrap(
      QuorumCluster cr, Pool pool, Pool controllerPool, ClusterIdentity identity) {
    String bootstrap = BootstrapConfig.render(pool, controllerPool, identity);
    return new ConfigMapBuilder()
        .withMetadata(Owner.meta(cr, pool.bootstrapConfigMapName(), Labels.pool(pool)))
        .withData(new TreeMap<>(Map.of(BOOTSTRAP_PROPERTIES, bootstrap)))
        .build();
  }

  /** The part of a config hash that a ConfigMap's name carries. */
  public static String nameHash(String configHash) {
    return configHash.substring(0, NAME_HASH_LENGTH);
  }

  /** SHA-256 of the server config: on the pod template, it rolls pods exactly when it changes. */
  public static String hash(ConfigMap configMap) {
    return hashOf(configMap.getData().get(SERVER_PROPERTIES));
  }

  private static String hashOf(String server) {
    // Only the server config rolls pods: bootstrap.properties is read once, at format time, and
    // flips cluster.formed when the quorum first elects a leader. The controller list is left out
    // too: it only tells a starting node where to look for the quorum (KIP-853 discovery), so
    // resizing the controller pool must not restart every node.
    String serverProperties =
        server
            .lines()
            .filter(line -> !line.startsWith(DISCOVERY_KEY + "="))
            .collect(java.util.stream.Collectors.joining("\n"));
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(serverProperties.getBytes(UTF_8));
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
