package io.quorumkeeper.operator.status;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import java.net.HttpURLConnection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * Writes a QuorumCluster's status subresource, only when it changed, on a fresh object carrying
 * just metadata and status. The write is a replace guarded by resourceVersion: a status computed
 * from a stale view is refused and recomputed, never merged over newer facts. Every status offered
 * is also shown to an observer (metrics), written or not, so a restarted operator reports it too.
 *
 * <p>It also remembers its own writes until the informer's cache shows them ({@link #caughtUp}): a
 * pass that starts from a version this operator has already replaced starts from the stored one
 * instead, rather than being refused at its first write.
 */
public class StatusWriter {

  /** How many writes of one cluster the cache may lag behind before the oldest is forgotten. */
  static final int REMEMBERED_WRITES = 8;

  private final KubernetesClient client;
  private final BiConsumer<QuorumCluster, QuorumClusterStatus> observer;

  /** A write of this writer: the version it produced and the status it stored. */
  private record Written(String resourceVersion, QuorumClusterStatus status) {}

  /**
   * By cluster uid, each write not yet seen in the cache, keyed by the version it replaced; only
   * while the cache lags, emptied once a pass starts from a version it holds (or from another).
   */
  private final Map<String, Map<String, Written>> unseen = new ConcurrentHashMap<>();

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
    String replaced = current.getMetadata().getResourceVersion();
    String now = written.getMetadata().getResourceVersion();
    // Kept as written, not copied: a pass copies a status before changing it (see copy), and
    // caughtUp hands out copies.
    remember(current, replaced, new Written(now, next));
    current.getMetadata().setResourceVersion(now);
    current.setStatus(next);
    return current;
  }

  /**
   * {@code cached} as it is stored, when the informer's cache has not yet delivered this writer's
   * own status writes on top of it: the same object with the status and the resourceVersion those
   * writes left (a status write changes nothing else). A pass that started from the replaced
   * version planned on an old status and was refused at its first write; several in a row, as pods
   * turned ready while a new cluster formed, held its Ready back by 0.2–0.6 s (issue 15). Otherwise
   * {@code cached} itself.
   */
  public QuorumCluster caughtUp(QuorumCluster cached) {
    String uid = uid(cached);
    Map<String, Written> mine = unseen.get(uid);
    if (mine == null) {
      return cached;
    }
    Written last = null;
    synchronized (mine) {
      String version = cached.getMetadata().getResourceVersion();
      for (int hop = 0; hop <= REMEMBERED_WRITES && mine.containsKey(version); hop++) {
        last = mine.get(version);
        version = last.resourceVersion();
      }
      if (last == null) {
        // The cache shows one of these writes, or a version from someone else after them: no
        // write remembered here is newer than what a pass reads now.
        unseen.remove(uid, mine);
        return cached;
      }
    }
    QuorumCluster stored = client.getKubernetesSerialization().clone(cached);
    stored.getMetadata().setResourceVersion(last.resourceVersion());
    stored.setStatus(copy(last.status()));
    return stored;
  }

  /** Drops what is remembered of a deleted cluster's writes. */
  public void forget(String uid) {
    unseen.remove(uid);
  }

  private void remember(QuorumCluster cr, String replaced, Written write) {
    if (replaced == null || write.resourceVersion() == null) {
      return;
    }
    Map<String, Written> mine =
        unseen.computeIfAbsent(
            uid(cr),
            k ->
                new LinkedHashMap<>() {
                  @Override
                  protected boolean removeEldestEntry(Map.Entry<String, Written> eldest) {
                    return size() > REMEMBERED_WRITES;
                  }
                });
    synchronized (mine) {
      mine.put(replaced, write);
    }
  }

  private static String uid(QuorumCluster cr) {
    String uid = cr.getMetadata().getUid();
    return uid != null ? uid : cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName();
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
