package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts finished reconciliations per resource name, so tests can wait for a pass to end, and keeps
 * every exception a pass ended with, so tests can prove there was none.
 */
public class ReconcileCounter implements Metrics {

  private final Map<String, AtomicInteger> finished = new ConcurrentHashMap<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();

  @Override
  public void failedReconciliation(
      HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    failures.add(resource.getMetadata().getName() + ": " + exception);
  }

  /** Every exception a pass ended with since the operator started, as "name: exception". */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    finished
        .computeIfAbsent(resource.getMetadata().getName(), k -> new AtomicInteger())
        .incrementAndGet();
  }

  public int finished(String name) {
    AtomicInteger count = finished.get(name);
    return count == null ? 0 : count.get();
  }

  public void reset() {
    finished.clear();
    failures.clear();
  }
}
