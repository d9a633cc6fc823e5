package io.quorumkeeper.local.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.api.ApiRequests;
import io.quorumkeeper.local.api.ApiRequests.Call;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.bench.BenchSupport.Transport;
import io.quorumkeeper.local.kube.PodContainer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Observation cost (docs/design.md section 9): what the operator spends on an idle, healthy 3-node
 * Combined cluster it observes every 2 s. After Ready, full fault tolerance and a warm-up, for N
 * seconds: the operator JVM's CPU time from {@code /proc/<pid>/stat} (utime + stime), and its
 * writes to the API (status, events, others) counted by the embedded API by User-Agent; once for
 * the example as it is (TLS) and once with {@code transport: Plaintext}, each in a fresh runtime,
 * and the operator's ratio TLS / Plaintext. Not a test: figures only.
 */
public final class IdleCostBenchmark {

  private static final String CLUSTER = "orders";
  private static final String OPERATOR = "operator JVM";
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  /**
   * After Ready, the operator's JIT and the cluster's start-up writes settle; and one lag refresh
   * (every 30 s) has passed, so the window sees the steady rhythm.
   */
  private static final Duration WARM_UP = Duration.ofSeconds(30);

  private IdleCostBenchmark() {}

  public static int run(Path home, List<String> args) {
    int seconds = args.isEmpty() ? 60 : positive(args.get(0));
    System.out.printf(
        "Observation cost, idle examples/combined.yaml, TLS (the default) then Plaintext, each in"
            + " a fresh runtime, %d s after Ready + %d s warm-up, 2 CPUs here: see"
            + " docs/observation.md%n",
        seconds, WARM_UP.toSeconds());
    Map<Transport, Double> operatorCpu = new LinkedHashMap<>();
    for (Transport transport : Transport.values()) {
      operatorCpu.put(transport, measure(home, transport, seconds));
    }
    double tls = operatorCpu.get(Transport.TLS);
    double plain = operatorCpu.get(Transport.Plaintext);
    System.out.printf(
        "operator JVM, CPU-s per minute idle: TLS %.2f, Plaintext %.2f, TLS / Plaintext %s%n",
        tls, plain, plain > 0 ? String.format("%.2f", tls / plain) : "-");
    return 0;
  }

  /** One idle window on a fresh runtime; prints it, returns the operator's CPU-s per minute. */
  private static double measure(Path home, Transport transport, int seconds) {
    Path dir = home.resolve("local/target/bench/idle-" + transport.name().toLowerCase());
    BenchSupport.delete(dir);
    RuntimeOptions options = RuntimeOptions.defaults(home, dir).withNet("127.0.52");
    long ticks = ProcStat.ticksPerSecond();
    System.out.printf("%s:%n", transport);
    try (LocalRuntime runtime = LocalRuntime.start(options)) {
      BenchSupport.waitFor(() -> BenchSupport.operatorStarted(runtime), "operator start", TIMEOUT);
      runtime.apply(
          BenchSupport.example(runtime, home.resolve("examples/combined.yaml"), transport, null));
      BenchSupport.waitForSteady(
          () -> BenchSupport.fullyHealthy(BenchSupport.cluster(runtime, CLUSTER), 3),
          "full fault tolerance",
          Duration.ofSeconds(5),
          TIMEOUT);
      BenchSupport.pause(WARM_UP);

      long pid = runtime.operatorPid();
      GenericKubernetesResource before = BenchSupport.cluster(runtime, CLUSTER);
      Map<String, Long> cpu0 = cpuTicks(runtime, pid);
      Map<Call, Long> calls0 = runtime.apiRequests().counts();
      long t0 = System.nanoTime();
      BenchSupport.pause(Duration.ofSeconds(seconds));
      long elapsedNanos = System.nanoTime() - t0;
      Map<Call, Long> calls = ApiRequests.between(calls0, runtime.apiRequests().counts());
      Map<String, Long> cpu1 = cpuTicks(runtime, pid);
      GenericKubernetesResource after = BenchSupport.cluster(runtime, CLUSTER);

      if (runtime.operatorPid() != pid) {
        throw new LocalRuntimeException("the operator restarted during the window; run again");
      }
      double window = elapsedNanos / 1e9;
      double perMinute = 60 / window;
      System.out.printf(
          "  cluster: leader %s epoch %s before, leader %s epoch %s after, healthy after: %s%n",
          at(before, "leaderId"),
          at(before, "leaderEpoch"),
          at(after, "leaderId"),
          at(after, "leaderEpoch"),
          BenchSupport.fullyHealthy(after, 3));
      double operator = printCpu(cpu0, cpu1, ticks, window);
      printWrites(calls, perMinute);
      return operator;
    }
  }

  /** Each process's CPU time in the window, printed; returns the operator's CPU-s per minute. */
  private static double printCpu(
      Map<String, Long> cpu0, Map<String, Long> cpu1, long ticks, double window) {
    System.out.println("  CPU time over " + String.format("%.1f", window) + " s:");
    double operator = 0;
    for (String process : cpu1.keySet()) {
      double cpuSeconds = (cpu1.get(process) - cpu0.getOrDefault(process, 0L)) / (double) ticks;
      System.out.printf(
          "    %-16s %6.2f CPU-s = %5.2f %% of one core = %5.2f CPU-s per minute%n",
          process, cpuSeconds, 100 * cpuSeconds / window, cpuSeconds * 60 / window);
      operator = process.equals(OPERATOR) ? cpuSeconds * 60 / window : operator;
    }
    return operator;
  }

  private static void printWrites(Map<Call, Long> calls, double perMinute) {
    long status = 0;
    long events = 0;
    long others = 0;
    long reads = 0;
    Map<String, Long> otherKinds = new TreeMap<>();
    Map<String, Long> standIns = new TreeMap<>();
    for (Map.Entry<Call, Long> e : calls.entrySet()) {
      Call c = e.getKey();
      if (!LocalRuntime.OPERATOR_AGENT.equals(c.userAgent())) {
        if (c.isWrite()) {
          standIns.merge(describe(c), e.getValue(), Long::sum);
        }
        continue;
      }
      if (!c.isWrite()) {
        reads += e.getValue();
      } else if (c.isStatusWrite()) {
        status += e.getValue();
      } else if (c.isEventWrite()) {
        events += e.getValue();
      } else {
        others += e.getValue();
        otherKinds.merge(describe(c), e.getValue(), Long::sum);
      }
    }
    System.out.printf(
        "  operator API writes per minute: %.1f (status %.1f, events %.1f, others %.1f%s)%n",
        (status + events + others) * perMinute,
        status * perMinute,
        events * perMinute,
        others * perMinute,
        otherKinds.isEmpty() ? "" : ": " + otherKinds);
    System.out.printf(
        "  operator API reads per minute (GET, lists and watches): %.1f%n", reads * perMinute);
    System.out.printf(
        "  for context, the runtime's own stand-ins (kubelet, StatefulSet controller) wrote: %s%n",
        standIns.isEmpty() ? "nothing" : standIns);
  }

  private static String describe(Call c) {
    return c.method()
        + " "
        + c.resource()
        + (c.subresource().isEmpty() ? "" : "/" + c.subresource());
  }

  private static Object at(GenericKubernetesResource qc, String field) {
    return QuorumClusters.at(qc, "status.quorum." + field).orElse("-");
  }

  /** utime + stime of the operator and each pod JVM, in clock ticks. */
  private static Map<String, Long> cpuTicks(LocalRuntime runtime, long operatorPid) {
    Map<String, Long> ticks = new LinkedHashMap<>();
    ticks.put(OPERATOR, ProcStat.cpuTicks(operatorPid));
    runtime.kubelet().containers().stream()
        .sorted(Comparator.comparing(PodContainer::name))
        .forEach(c -> ticks.put(c.name(), ProcStat.cpuTicks(c.snapshot().pid())));
    return ticks;
  }

  private static int positive(String seconds) {
    try {
      int n = Integer.parseInt(seconds);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new InputException(
        "bench idle [SECONDS]: SECONDS must be a positive number, not " + seconds);
  }
}
