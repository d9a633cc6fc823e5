package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the stand-in controllers' pass as soon as a pod or StatefulSet changes, as Kubernetes' own
 * controllers and the kubelet react to their watches, instead of only at the next periodic pass
 * (which stays: it is the safety net when the mock API leaves a watch silent, docs/adr/005).
 * Changes that arrive while a nudged pass is still queued are served by that pass.
 */
public final class ChangeNudge implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeNudge.class);

  private final Executor executor;
  private final Runnable pass;
  private final AtomicBoolean queued = new AtomicBoolean();
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  /** {@code pass} runs on {@code executor}, which runs one task at a time. */
  public ChangeNudge(Executor executor, Runnable pass) {
    this.executor = executor;
    this.pass = pass;
  }

  /** Nudges on every change of a pod or a StatefulSet, in any namespace. */
  public ChangeNudge watching(KubernetesClient client) {
    informers.add(client.pods().inAnyNamespace().inform(handler()));
    informers.add(client.apps().statefulSets().inAnyNamespace().inform(handler()));
    return this;
  }

  /** Queues one pass unless one is queued and has not started yet. */
  public void nudge() {
    if (!queued.compareAndSet(false, true)) {
      return;
    }
    try {
      executor.execute(
          () -> {
            queued.set(false);
            pass.run();
          });
    } catch (RejectedExecutionException e) {
      queued.set(false); // shutting down
    }
  }

  private <T> ResourceEventHandler<T> handler() {
    return new ResourceEventHandler<>() {
      @Override
      public void onAdd(T obj) {
        nudge();
      }

      @Override
      public void onUpdate(T oldObj, T newObj) {
        nudge();
      }

      @Override
      public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        nudge();
      }
    };
  }

  @Override
  public void close() {
    for (SharedIndexInformer<?> informer : informers) {
      try {
        informer.close();
      } catch (RuntimeException e) {
        LOG.debug("informer not closed: {}", e.getMessage());
      }
    }
  }
}
