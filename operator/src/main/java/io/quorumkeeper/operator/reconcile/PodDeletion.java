package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Deletes one pod object, the one a decision was made on: a UID precondition, which Fabric8's
 * delete DSL does not send, makes the API refuse (409) a pod re-created under the same name since.
 * Healing force-deletes stranded pods with it; a rolling restart deletes gracefully.
 */
final class PodDeletion {

  private static final Logger LOG = Logger.getLogger(PodDeletion.class);

  private final KubernetesClient client;

  PodDeletion(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Whether the pod object {@code uid} was deleted by this call.
   *
   * @param graceSeconds 0 to delete at once, null for the pod's own grace period
   */
  boolean delete(
      String namespace, String key, String pod, String uid, Long graceSeconds, String reason) {
    DeleteOptions options = new DeleteOptions();
    options.setGracePeriodSeconds(graceSeconds);
    options.setPreconditions(new Preconditions(null, uid));
    String url =
        URLUtils.join(
            client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "pods", pod);
    HttpClient http = client.getHttpClient();
    HttpRequest request =
        http.newHttpRequestBuilder()
            .uri(url)
            .delete("application/json", client.getKubernetesSerialization().asJson(options))
            .build();
    try {
      int code = http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS).code();
      if (code == 404 || code == 409) {
        LOG.infof(
            "cluster=%s pod %s (uid %s) not deleted: %s",
            key, pod, uid, code == 404 ? "already gone" : "re-created since");
        return false;
      }
      if (code >= 300) {
        LOG.warnf("cluster=%s deleting pod %s answered HTTP %d", key, pod, code);
        return false;
      }
      LOG.infof("cluster=%s deleted pod %s (uid %s): %s", key, pod, uid, reason);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      LOG.warnf("cluster=%s deleting pod %s failed: %s", key, pod, e.getMessage());
      return false;
    }
  }
}
