package io.quorumkeeper.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Writes a QuorumCluster's status subresource, only when it changed, on a fresh object carrying
 * just metadata and status. The write is a replace guarded by resourceVersion: a status computed
 * from a stale view is refused and recomputed, never merged over newer facts. Every status offered
 * is also shown to an observer (metrics), written or not, so a restarted operator reports it too.
 */
public class StatusWriter {

  private final KubernetesClient client;
  private final BiConsumer<QuorumCluster, QuorumClusterStatus> observer;

  public StatusWriter(KubernetesClient client) {
    this(client, (cr, status) -> {});
  }

  public StatusWriter(
      KubernetesClient client, BiConsumer<QuorumCluster, QuorumClusterStatus> observer) {
    this.client = client;
    this.observer = observer;
  }

  /** Returns the resource as it stands after the write (the same object when nothing changed). */
  public QuorumCluster write(QuorumCluster current, QuorumClusterStatus next) {
    observer.accept(current, next);
    if (Objects.equals(current.getStatus(), next)) {
      return current;
    }
    QuorumCluster fresh = new QuorumCluster();
    fresh.setMetadata(
        new ObjectMetaBuilder()
            .withName(current.getMetadata().getName())
            .withNamespace(current.getMetadata().getNamespace())
            .withResourceVersion(current.getMetadata().getResourceVersion())
            .build());
    fresh.setStatus(next);
    QuorumCluster written = client.resource(fresh).updateStatus();
    current.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    current.setStatus(next);
    return current;
  }
}
