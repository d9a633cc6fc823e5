package io.quorumkeeper.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import java.net.HttpURLConnection;
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

  /** A deep copy of {@code status} (an empty status for null), to change and then write. */
  public QuorumClusterStatus copy(QuorumClusterStatus status) {
    return client
        .getKubernetesSerialization()
        .clone(status == null ? new QuorumClusterStatus() : status);
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
    QuorumCluster written;
    try {
      written = client.resource(fresh).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() == HttpURLConnection.HTTP_CONFLICT) {
        throw new Stale(current, e);
      }
      throw e;
    }
    current.getMetadata().setResourceVersion(written.getMetadata().getResourceVersion());
    current.setStatus(next);
    return current;
  }

  /**
   * The API refused the write (409): the resource changed since the copy the status was computed
   * from. Nothing decided on that copy may be carried out; the caller plans again on a fresh one.
   */
  public static final class Stale extends RuntimeException {
    Stale(QuorumCluster cr, KubernetesClientException cause) {
      super(
          "status of "
              + cr.getMetadata().getNamespace()
              + "/"
              + cr.getMetadata().getName()
              + " changed since resourceVersion "
              + cr.getMetadata().getResourceVersion()
              + " was read",
          cause);
    }
  }
}
