package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.policy.v1.Eviction;
import io.fabric8.kubernetes.api.model.policy.v1.EvictionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.utils.URLUtils;
import io.quorumkeeper.operator.observe.QuorumClient;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Deletes or evicts one pod object, the one a decision was made on: a UID precondition, which
 * Fabric8's delete and evict DSL do not send, makes the API refuse (409) a pod re-created under the
 * same name since. Healing force-deletes stranded pods (their node is gone; an eviction would wait
 * for a kubelet that never answers); a rolling restart evicts, so the pool's PodDisruptionBudget
 * orders it against a node drain in the API, not in either client's cache (ADR 024).
 */
final class PodDeletion {

  private static final Logger LOG = Logger.getLogger(PodDeletion.class);

  private final KubernetesClient client;

  /** Why this replica may not delete or evict a pod now ({@link QuorumClient#mayNotWrite}). */
  private final Supplier<Optional<String>> mayNotWrite;

  /**
   * The client's HTTP client without Fabric8's retries: it would send an eviction the budget
   * refused (429) again for up to a minute with the reconciler waiting; the next pass plans again.
   */
  private final HttpClient once;

  PodDeletion(KubernetesClient client, Supplier<Optional<String>> mayNotWrite) {
    this.client = client;
    this.mayNotWrite = mayNotWrite;
    this.once =
        client
            .getHttpClient()
            .newBuilder()
            .tag(
                new RequestConfigBuilder(client.getConfiguration().getRequestConfig())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  /**
   * Whether the pod object {@code uid} was deleted by this call.
   *
   * @param graceSeconds 0 to delete at once, null for the pod's own grace period
   */
  boolean delete(
      String namespace, String key, String pod, String uid, Long graceSeconds, String reason) {
    if (notActing(key, pod, "deleted")) {
      return false;
    }
    DeleteOptions options = preconditions(uid, graceSeconds);
    Answer answer =
        send(
            once.newHttpRequestBuilder()
                .uri(podUrl(namespace, pod))
                .delete("application/json", client.getKubernetesSerialization().asJson(options)),
            key,
            pod);
    if (answer == null || goneOrReplaced(answer, "deleted", key, pod, uid)) {
      return false;
    }
    if (answer.code() >= 300) {
      LOG.warnf("cluster=%s deleting pod %s answered HTTP %d", key, pod, answer.code());
      return false;
    }
    LOG.infof("cluster=%s deleted pod %s (uid %s): %s", key, pod, uid, reason);
    return true;
  }

  /** What came of an eviction; {@code refusal} says why the API kept the pod. */
  record Evicted(boolean evicted, String refusal) {

    static final Evicted DONE = new Evicted(true, null);
    static final Evicted NOT_SENT = new Evicted(false, null);

    boolean refused() {
      return refusal != null;
    }
  }

  /**
   * Evicts the pod object {@code uid} gracefully (its own grace period) through the eviction
   * subresource: the API deletes it only if the pod's PodDisruptionBudget allows it now. A pod gone
   * or re-created since is not evicted and not refused; a refusal (429 from the budget, 500 where
   * two budgets select the pod) carries the API's reasons.
   */
  Evicted evict(String namespace, String key, String pod, String uid, String reason) {
    if (notActing(key, pod, "evicted")) {
      return Evicted.NOT_SENT;
    }
    Eviction eviction =
        new EvictionBuilder()
            .withNewMetadata()
            .withName(pod)
            .withNamespace(namespace)
            .endMetadata()
            .withDeleteOptions(preconditions(uid, null))
            .build();
    Answer answer =
        send(
            once.newHttpRequestBuilder()
                .uri(podUrl(namespace, pod) + "/eviction")
                .post("application/json", client.getKubernetesSerialization().asJson(eviction)),
            key,
            pod);
    if (answer == null || goneOrReplaced(answer, "evicted", key, pod, uid)) {
      return Evicted.NOT_SENT;
    }
    if (answer.code() >= 300) {
      String why = "HTTP " + answer.code() + ": " + reasons(answer.body());
      LOG.warnf("cluster=%s pod %s (uid %s) not evicted, the API refused: %s", key, pod, uid, why);
      return new Evicted(false, why);
    }
    LOG.infof("cluster=%s evicted pod %s (uid %s): %s", key, pod, uid, reason);
    return Evicted.DONE;
  }

  /**
   * Whether this replica may not act now (logged): a replica paused past its Lease must not take a
   * voter's pod away while the one that took the Lease plans (ADR 047).
   */
  private boolean notActing(String key, String pod, String done) {
    Optional<String> why = mayNotWrite.get();
    why.ifPresent(w -> LOG.warnf("cluster=%s pod %s not %s: %s", key, pod, done, w));
    return why.isPresent();
  }

  /** Delete options for the pod object {@code uid} only; null grace: the pod's own. */
  private static DeleteOptions preconditions(String uid, Long graceSeconds) {
    DeleteOptions options = new DeleteOptions();
    options.setGracePeriodSeconds(graceSeconds);
    options.setPreconditions(new Preconditions(null, uid));
    return options;
  }

  private String podUrl(String namespace, String pod) {
    return URLUtils.join(
        client.getMasterUrl().toString(), "api", "v1", "namespaces", namespace, "pods", pod);
  }

  /** Whether the API answered that the pod object is gone or another one now (logged). */
  private static boolean goneOrReplaced(
      Answer answer, String done, String key, String pod, String uid) {
    if (answer.code() != 404 && answer.code() != 409) {
      return false;
    }
    LOG.infof(
        "cluster=%s pod %s (uid %s) not %s: %s",
        key, pod, uid, done, answer.code() == 404 ? "already gone" : "re-created since");
    return true;
  }

  /** A Status body's message and its causes' messages, on one line. */
  private String reasons(String body) {
    try {
      Status status = client.getKubernetesSerialization().unmarshal(body, Status.class);
      StringBuilder text =
          new StringBuilder(status.getMessage() == null ? "no message" : status.getMessage());
      if (status.getDetails() != null && status.getDetails().getCauses() != null) {
        for (StatusCause cause : status.getDetails().getCauses()) {
          text.append(' ').append(cause.getMessage());
        }
      }
      return text.toString().replaceAll("\\s+", " ").strip();
    } catch (RuntimeException e) {
      return "an answer that is not a Status";
    }
  }

  private record Answer(int code, String body) {}

  /** The API's answer, or null when the request failed (logged). */
  private Answer send(HttpRequest.Builder request, String key, String pod) {
    try {
      var response = once.sendAsync(request.build(), String.class).get(30, TimeUnit.SECONDS);
      return new Answer(response.code(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      LOG.warnf("cluster=%s request about pod %s failed: %s", key, pod, e.getMessage());
      return null;
    }
  }
}
