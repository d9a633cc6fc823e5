package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The cluster's Nodes, cached by an informer started on first use: whether a controller pod's node
 * is Ready (a NotReady node strands its pods) and its zone (to spread voters). Reading it never
 * calls the API, so a reconcile is not slowed by it; it does not trigger reconciles either, since
 * the quorum observation re-runs them every few seconds anyway.
 */
final class NodeCache implements AutoCloseable {

  static final String ZONE_LABEL = "topology.kubernetes.io/zone";
  private static final Logger LOG = Logger.getLogger(NodeCache.class);

  /** What the operator needs to know of a Node. {@code notReadySince} is null while Ready. */
  record NodeFacts(boolean ready, Instant notReadySince, String zone) {
    static final NodeFacts UNKNOWN = new NodeFacts(true, null, null);
  }

  private final KubernetesClient client;
  private SharedIndexInformer<Node> informer;

  NodeCache(KubernetesClient client) {
    this.client = client;
  }

  /** The facts of {@code name}; a node not (yet) in the cache is taken as Ready, zone unknown. */
  NodeFacts facts(String name) {
    if (name == null) {
      return NodeFacts.UNKNOWN;
    }
    Node node = informer().getStore().getByKey(name);
    return node == null ? NodeFacts.UNKNOWN : of(node);
  }

  static NodeFacts of(Node node) {
    String zone =
        node.getMetadata().getLabels() == null
            ? null
            : node.getMetadata().getLabels().get(ZONE_LABEL);
    Optional<NodeCondition> ready =
        node.getStatus() == null
            ? Optional.empty()
            : node.getStatus().getConditions().stream()
                .filter(c -> "Ready".equals(c.getType()))
                .findFirst();
    if (ready.isEmpty() || "True".equals(ready.get().getStatus())) {
      return new NodeFacts(true, null, zone);
    }
    String since = ready.get().getLastTransitionTime();
    return new NodeFacts(false, since == null ? Instant.now() : Instant.parse(since), zone);
  }

  private synchronized SharedIndexInformer<Node> informer() {
    if (informer == null) {
      informer = client.nodes().runnableInformer(0);
      informer.exceptionHandler(
          (running, e) -> {
            LOG.warnf("watching nodes failed, retried: %s", e.getMessage());
            return true;
          });
      informer.start();
    }
    return informer;
  }

  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
    }
  }
}
