package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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

  /** One pass (reconcile or cleanup): its wall-clock time and its thread's CPU time. */
  public record Pass(long nanos, long cpuNanos) {}

  private final java.util.Queue<Pass> passes = new java.util.concurrent.ConcurrentLinkedQueue<>();

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = System.nanoTime();
    long cpu = threads.getCurrentThreadCpuTime();
    try {
      return execution.execute();
    } finally {
      long end = System.nanoTime();
      passes.add(new Pass(end - start, threads.getCurrentThreadCpuTime() - cpu));
      if (execution.resourceID() != null) {
        lastStartFinished.merge(execution.resourceID().getName(), start, Math::max);
      }
    }
  }

  /** By resource name, when the latest finished pass over it had started (System.nanoTime). */
  private final Map<String, Long> lastStartFinished = new ConcurrentHashMap<>();

  /** Whether a pass over {@code name} that started after {@code nanos} has finished. */
  public boolean finishedStartedAfter(String name, long nanos) {
    Long started = lastStartFinished.get(name);
    return started != null && started - nanos > 0;
  }

  /** The passes since the last drain, and forgets them. */
  public List<Pass> drainPasses() {
    List<Pass> drained = new java.util.ArrayList<>();
    Pass p;
    while ((p = passes.poll()) != null) {
      drained.add(p);
    }
    return drained;
  }

  public void reset() {
    finished.clear();
    failures.clear();
    passes.clear();
    lastStartFinished.clear();
  }
}
