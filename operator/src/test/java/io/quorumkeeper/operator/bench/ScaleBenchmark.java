package io.quorumkeeper.operator.bench;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;

import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.config.OperatorSettings;
import io.quorumkeeper.operator.testing.ApiCall;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import io.quorumkeeper.operator.testing.ReconcileCounter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prints what the operator costs as the number of QuorumClusters grows (issue 15): for 1, 10, 100
 * and 1,000 clusters, the time until every cluster's status names its leader after creation, the
 * operator's API writes and reads per idle minute, reconcile passes per idle minute and their
 * p50/p99, process CPU per idle minute, heap after GC and resident memory, and the time from a
 * scripted leader change in every cluster at once to the last cluster's status showing it.
 *
 * <p>The embedded tier: Fabric8's mock API and scripted quorums and agents ({@code
 * FakeQuorumClient}) in this JVM, since 1,000 real clusters cannot run on one machine. The operator
 * itself is the real one, with its default settings (observation every 2 s, 4 observer threads).
 * CPU and memory are the whole process's, so they include the mock API and the scripts. A
 * benchmark, not a test: it asserts nothing.
 *
 * <p>How to build its classpath and run it: docs/observation.md, "Operator cost by number of
 * clusters". Arguments: sizes (default {@code 1,10,100,1000}) and idle seconds (default 60).
 */
public final class ScaleBenchmark {

  private static final Path EXAMPLE = Path.of("../examples/combined.yaml");

  /**
   * The mock API logs every request it serves at INFO through java.util.logging; at 1,000 clusters
   * that logging alone costs a good part of a core, so it is kept at WARNING (held here: JUL keeps
   * loggers only weakly).
   */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
    List<Integer> sizes =
        Arrays.stream((args.length > 0 ? args[0] : "1,10,100,1000").split(","))
            .map(Integer::parseInt)
            .toList();
    Duration idle = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
    System.out.printf(
        "operator cost by number of clusters (embedded API + scripted quorums in one JVM, not"
            + " real Kafka; idle window %d s; %d CPUs)%n",
        idle.toSeconds(), Runtime.getRuntime().availableProcessors());
    System.out.printf(
        "%9s %10s %9s %9s %9s %8s %8s %8s %9s %9s %9s %9s %10s %10s%n",
        "clusters",
        "ready s",
        "writes/m",
        "reads/m",
        "passes/m",
        "p50 ms",
        "p99 ms",
        "cpu ms",
        "cpu s/m",
        "heap MiB",
        "rss MiB",
        "threads",
        "leader p50",
        "leader max");
    for (int n : sizes) {
      ApiHarness api = ApiHarness.start(Clock.systemUTC(), OperatorSettings.defaults());
      try {
        System.out.println(measure(api, n, idle));
      } finally {
        closeWithin(api, CLOSE_WITHIN);
      }
    }
    System.exit(0); // a close left running (below) must not keep the benchmark from ending
  }

  /** How long closing a size's operator and API may take before the benchmark moves on. */
  static final Duration CLOSE_WITHIN = Duration.ofMinutes(1);

  /**
   * Closes the operator and its API, or gives up waiting after {@code within}: with 1,000 clusters
   * the close of every informer and observation against the saturated mock API took over 15 minutes
   * once, after the figures were printed.
   */
  private static void closeWithin(ApiHarness api, Duration within) throws InterruptedException {
    Thread closing = new Thread(api::close, "scale-benchmark-close");
    closing.setDaemon(true);
    closing.start();
    closing.join(within.toMillis());
    if (closing.isAlive()) {
      System.out.printf(
          "(closing took longer than %d s; left running while the benchmark goes on)%n",
          within.toSeconds());
    }
  }

  private static String measure(ApiHarness api, int n, Duration idle) throws Exception {
    Map<String, QuorumScript> scripts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      scripts.put(name(i), api.quorum().script(NAMESPACE + "/" + name(i), 3).leader(0, 1));
    }
    LeaderWatch leaders = new LeaderWatch();
    Watch watch = api.client().resources(QuorumCluster.class).inNamespace(NAMESPACE).watch(leaders);
    try {
      return measure(api, n, idle, scripts, leaders);
    } finally {
      watch.close();
    }
  }

  private static String measure(
      ApiHarness api, int n, Duration idle, Map<String, QuorumScript> scripts, LeaderWatch leaders)
      throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      QuorumCluster cr = api.read(EXAMPLE);
      cr.getMetadata().setName(name(i));
      api.client().resource(cr).create();
    }
    leaders.await(n, 0);
    double readySeconds = (System.nanoTime() - start) / 1e9;
    // Settle: the first minutes carry client-access grants and the first lag refreshes.
    Thread.sleep(Math.min(idle.toMillis(), 10_000));
    api.drainCalls();
    api.reconciles().drainPasses();
    long cpuBefore = processCpuNanos();
    Thread.sleep(idle.toMillis());
    double minutes = idle.toSeconds() / 60.0;
    double cpu = (processCpuNanos() - cpuBefore) / 1e9 / minutes;
    List<ApiCall> calls = api.drainOperatorCalls();
    long writes = calls.stream().filter(ApiCall::isWrite).count();
    List<ReconcileCounter.Pass> drained = api.reconciles().drainPasses();
    List<Long> passes =
        new ArrayList<>(drained.stream().map(ReconcileCounter.Pass::nanos).toList());
    passes.sort(Long::compare);
    List<Long> passCpu =
        new ArrayList<>(drained.stream().map(ReconcileCounter.Pass::cpuNanos).toList());
    passCpu.sort(Long::compare);
    System.gc();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();

    long change = System.nanoTime();
    scripts.values().forEach(s -> s.leader(1, 2));
    List<Long> leaderTimes = new ArrayList<>(leaders.await(n, 1).values());
    leaderTimes.replaceAll(t -> t - change);
    leaderTimes.sort(Long::compare);

    return String.format(
        Locale.ROOT,
        "%9d %10.1f %9.1f %9.1f %9.1f %8.1f %8.1f %8.1f %9.2f %9d %9d %9d %9.2fs %9.2fs",
        n,
        readySeconds,
        writes / minutes,
        (calls.size() - writes) / minutes,
        passes.size() / minutes,
        percentile(passes, 50) / 1e6,
        percentile(passes, 99) / 1e6,
        percentile(passCpu, 50) / 1e6,
        cpu,
        heap >> 20,
        residentBytes() >> 20,
        threads,
        percentile(leaderTimes, 50) / 1e9,
        leaderTimes.isEmpty() ? Double.NaN : leaderTimes.get(leaderTimes.size() - 1) / 1e9);
  }

  private static String name(int i) {
    return "c" + i;
  }

  /**
   * When each cluster's status first named each leader (nanoTime), from a watch on the clusters: a
   * list every 50 ms of 1,000 clusters would cost the mock API more than the operator does.
   */
  private static final class LeaderWatch implements Watcher<QuorumCluster> {
    private final Map<Integer, Map<String, Long>> seen = new ConcurrentHashMap<>();

    @Override
    public void eventReceived(Action action, QuorumCluster cr) {
      var status = cr.getStatus();
      if (status != null
          && status.getQuorum() != null
          && status.getQuorum().getLeaderId() != null) {
        seen.computeIfAbsent(status.getQuorum().getLeaderId(), k -> new ConcurrentHashMap<>())
            .putIfAbsent(cr.getMetadata().getName(), System.nanoTime());
      }
    }

    @Override
    public void onClose(WatcherException cause) {
      System.err.println("cluster watch closed: " + cause.getMessage());
    }

    /** Waits until every one of {@code n} clusters named {@code leader}; at most ten minutes. */
    Map<String, Long> await(int n, int leader) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
      Map<String, Long> times = seen.computeIfAbsent(leader, k -> new ConcurrentHashMap<>());
      while (times.size() < n && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      if (times.size() < n) {
        throw new IllegalStateException(
            "after 10 min only " + times.size() + " of " + n + " clusters show leader " + leader);
      }
      return new HashMap<>(times);
    }
  }

  private static double percentile(List<Long> sorted, int p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static long residentBytes() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }
}
