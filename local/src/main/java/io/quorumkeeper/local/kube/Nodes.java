package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Node object per pod name ({@code local-<pod>}, or {@code local-<namespace>-<pod>} outside
 * "default"), so a node failure hits exactly one pod, as with one pod per node under anti-affinity.
 */
public final class Nodes {

  private final KubernetesClient client;
  private final Set<String> down = ConcurrentHashMap.newKeySet();
  private final Map<String, Boolean> written = new ConcurrentHashMap<>();

  public Nodes(KubernetesClient client) {
    this.client = client;
  }

  public static String nodeFor(String namespace, String pod) {
    return "default".equals(namespace) ? "local-" + pod : "local-" + namespace + "-" + pod;
  }

  public boolean isDown(String node) {
    return down.contains(node);
  }

  public void setDown(String node, boolean isDown) {
    if (isDown) {
      down.add(node);
    } else {
      down.remove(node);
    }
  }

  /** Creates the node if missing and writes its Ready condition when it changed. */
  public void ensure(String node, String address) {
    boolean ready = !down.contains(node);
    if (Boolean.valueOf(ready).equals(written.get(node))) {
      return;
    }
    NodeCondition condition =
        new NodeConditionBuilder()
            .withType("Ready")
            .withStatus(ready ? "True" : "Unknown")
            .withReason(ready ? "KubeletReady" : "NodeStatusUnknown")
            .withMessage(
                ready
                    ? "kubelet is posting ready status"
                    : "Kubelet stopped posting node status (quorum-keeper node-down)")
            .withLastTransitionTime(Instant.now().toString())
            .withLastHeartbeatTime(Instant.now().toString())
            .build();
    try {
      Node existing = client.nodes().withName(node).get();
      if (existing == null) {
        existing =
            client
                .nodes()
                .resource(
                    new NodeBuilder()
                        .withNewMetadata()
                        .withName(node)
                        .withLabels(
                            Map.of("kubernetes.io/hostname", node, "quorumkeeper.io/local", "true"))
                        .endMetadata()
                        .withNewSpec()
                        .endSpec()
                        .build())
                .create();
      }
      existing.setStatus(
          new io.fabric8.kubernetes.api.model.NodeStatusBuilder()
              .withConditions(condition)
              .addNewAddress()
              .withType("InternalIP")
              .withAddress(address)
              .endAddress()
              .build());
      client.nodes().resource(existing).updateStatus();
      written.put(node, ready);
    } catch (KubernetesClientException e) {
      // retried on the next pass
    }
  }
}
