package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** A pool's ConfigMap: the server.properties template and the launcher's instructions. */
public final class ConfigMapModel {

  public static final String SERVER_PROPERTIES = "server.properties";
  public static final String BOOTSTRAP_PROPERTIES = "bootstrap.properties";
  private static final String DISCOVERY_KEY = "controller.quorum.bootstrap.servers";

  private ConfigMapModel() {}

  public static ConfigMap render(
      QuorumCluster cr, Pool pool, Pool controllerPool, int brokerCount, ClusterIdentity identity) {
    Map<String, String> data = new TreeMap<>();
    data.put(
        SERVER_PROPERTIES,
        KafkaConfig.render(
            pool,
            controllerPool,
            brokerCount,
            cr.getSpec().getKafka().getConfig(),
            identity.transport(),
            ClientListener.of(cr.getSpec(), identity)));
    data.put(BOOTSTRAP_PROPERTIES, BootstrapConfig.render(pool, controllerPool, identity));
    return new ConfigMapBuilder()
        .withMetadata(Owner.meta(cr, pool.configMapName(), Labels.pool(pool)))
        .withData(data)
        .build();
  }

  /**
   * SHA-256 of the ConfigMap's data: on the pod template, it rolls pods exactly when it changes.
   */
  public static String hash(ConfigMap configMap) {
    // Only the server config rolls pods: bootstrap.properties is read once, at format time, and
    // flips cluster.formed when the quorum first elects a leader. The controller list is left out
    // too: it only tells a starting node where to look for the quorum (KIP-853 discovery), so
    // resizing the controller pool must not restart every node.
    String serverProperties =
        configMap
            .getData()
            .get(SERVER_PROPERTIES)
            .lines()
            .filter(line -> !line.startsWith(DISCOVERY_KEY + "="))
            .collect(java.util.stream.Collectors.joining("\n"));
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(serverProperties.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
