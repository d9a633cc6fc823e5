package io.quorumkeeper.local.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.client.ClientConfig;
import io.quorumkeeper.local.kube.Kubelet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code quorum-keeper bench roll [RUNS] [EXAMPLE...]}: how long a quorum-aware roll takes and how
 * long producers wait during it (issue 12). For each example (default combined.yaml and
 * separated.yaml) one runtime, a {@link ProduceLoad} through the bootstrap Service for its whole
 * life, and RUNS pairs, interleaved so both see the same machine: the operator's roll after a
 * change of {@code spec.kafka.config} (apply → every pod re-created, Ready, {@code Progressing}
 * False), and the floor, Kubernetes' own {@code RollingUpdate} semantics emulated with the operator
 * paused: each pod deleted in reverse ordinal order (controllers, then brokers), the next once the
 * re-created one is Ready. Prints each run, the p50/p95 of both durations, their ratio and of the
 * longest gap between two acknowledged records, and the produce errors. Figures, not a test.
 */
public final class RollBenchmark {

  private static final String NET = "127.0.55";
  private static final String PAUSED = "quorumkeeper.io/paused";
  private static final Duration ROLL_TIMEOUT = Duration.ofMinutes(8);
  private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);

  /** One roll: how long it took, the longest produce gap during it, the produce errors. */
  record Run(Duration took, Duration gap, int errors) {}

  private RollBenchmark() {}

  public static int run(Path home, List<String> args) {
    int runs = BenchSupport.runs(args, 5, "roll");
    List<String> examples =
        args.size() > 1 ? args.subList(1, args.size()) : List.of("combined.yaml", "separated.yaml");
    Path root = home.resolve("local/target/bench");
    Path hosts = root.resolve("roll-hosts");
    if (System.getProperty("jdk.net.hosts.file") == null) {
      return BenchSupport.inJvmResolvingPodNames(home, hosts, "roll", args);
    }
    System.out.printf(
        "Roll: config change -> every pod restarted and back, %d runs per path; produce load %d"
            + " records/s, acks=all, idempotent, rf 3, min.insync.replicas 2; 2 CPUs here%n",
        runs, 1000 / ProduceLoad.PACE.toMillis());
    List<String> summaries = new ArrayList<>();
    for (String example : examples) {
      summaries.addAll(example(home, root, hosts, example, runs));
    }
    System.out.printf(
        "%n%-16s %-9s %5s %9s %9s %13s %13s %7s%n",
        "example", "path", "runs", "p50", "p95", "gap p50", "gap p95", "errors");
    summaries.forEach(System.out::println);
    return 0;
  }

  private static List<String> example(Path home, Path root, Path hosts, String example, int runs) {
    Path file = home.resolve("examples").resolve(example);
    Path dir = root.resolve("roll-" + example.replace(".yaml", ""));
    BenchSupport.delete(dir);
    RuntimeOptions options = RuntimeOptions.defaults(home, dir).withNet(NET).withHostsFile(hosts);
    List<Run> operator = new ArrayList<>();
    List<Run> floor = new ArrayList<>();
    try (LocalRuntime runtime = LocalRuntime.start(options)) {
      String name = runtime.apply(file).get(0).getMetadata().getName();
      BenchSupport.waitFor(() -> settled(runtime, name), name + " Ready", SETTLE_TIMEOUT);
      try (ProduceLoad load =
          ProduceLoad.start(ClientConfig.ofCluster(runtime.client(), "default", name), "bench")) {
        for (int i = 0; i < runs; i++) {
          int run = i;
          settle(runtime, name, load);
          operator.add(measure(load, () -> operatorRoll(runtime, file, name, run)));
          settle(runtime, name, load);
          floor.add(measure(load, () -> floorRoll(runtime, name)));
          System.out.printf(
              "%s run %d: operator %s | floor %s%n",
              example, i + 1, describe(operator.get(i)), describe(floor.get(i)));
        }
      }
    }
    return List.of(
        summary(example, "operator", operator),
        summary(example, "floor", floor),
        String.format(
            "%-16s ratio operator/floor: %.2f at p50, %.2f at p95",
            example, ratio(operator, floor, 50), ratio(operator, floor, 95)));
  }

  private static Run measure(ProduceLoad load, Runnable roll) {
    int errors = load.errors().size();
    load.resetLongestGap();
    long start = System.nanoTime();
    roll.run();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    return new Run(took, load.longestGap(), load.errors().size() - errors);
  }

  /** A new {@code log.retention.hours} each run: a rendered-config change, nothing else. */
  private static void operatorRoll(LocalRuntime runtime, Path file, String name, int run) {
    Map<String, String> before = Rolls.podUids(runtime, name);
    Rolls.applyWithKafkaConfig(runtime, file, "log.retention.hours", String.valueOf(1000 + run));
    BenchSupport.waitFor(
        () -> Rolls.rolled(runtime, name, before), "the roll of " + name, ROLL_TIMEOUT);
  }

  /** RollingUpdate's order with the operator paused: one pod after the other, Ready only. */
  private static void floorRoll(LocalRuntime runtime, String name) {
    setPaused(runtime, name, true);
    BenchSupport.waitFor(
        () -> QuorumClusters.condition(cluster(runtime, name), "Paused").orElse("").equals("True"),
        name + " paused",
        SETTLE_TIMEOUT);
    Map<String, String> before = Rolls.podUids(runtime, name);
    List<String> order = before.keySet().stream().sorted(Comparator.reverseOrder()).toList();
    for (String pod : order) {
      runtime.client().pods().inNamespace("default").withName(pod).delete();
      BenchSupport.waitFor(
          () -> readyWithout(runtime, pod, before.get(pod)), pod + " re-created", ROLL_TIMEOUT);
    }
    setPaused(runtime, name, false);
  }

  private static boolean readyWithout(LocalRuntime runtime, String pod, String oldUid) {
    Pod p = runtime.client().pods().inNamespace("default").withName(pod).get();
    return p != null && !p.getMetadata().getUid().equals(oldUid) && Kubelet.isReady(p);
  }

  private static void setPaused(LocalRuntime runtime, String name, boolean paused) {
    QuorumClusters.of(runtime.client())
        .inNamespace("default")
        .withName(name)
        .edit(
            qc -> {
              Map<String, String> annotations =
                  qc.getMetadata().getAnnotations() == null
                      ? new HashMap<>()
                      : new HashMap<>(qc.getMetadata().getAnnotations());
              if (paused) {
                annotations.put(PAUSED, "true");
              } else {
                annotations.remove(PAUSED);
              }
              qc.getMetadata().setAnnotations(annotations);
              return qc;
            });
  }

  /**
   * Before each roll: Ready, full fault tolerance, nothing to roll, not paused, every partition of
   * the load's topic fully replicated, and records being acknowledged.
   */
  private static void settle(LocalRuntime runtime, String name, ProduceLoad load) {
    BenchSupport.waitFor(
        () -> settled(runtime, name) && load.fullyReplicated(), name + " settled", SETTLE_TIMEOUT);
    int acked = load.acknowledged().size();
    BenchSupport.waitFor(
        () -> load.acknowledged().size() > acked, "records acknowledged", SETTLE_TIMEOUT);
  }

  private static boolean settled(LocalRuntime runtime, String name) {
    GenericKubernetesResource qc = cluster(runtime, name);
    int voters = ((Number) QuorumClusters.at(qc, "spec.controllers.voters").orElse(3)).intValue();
    List<Pod> pods = runtime.client().pods().inNamespace("default").list().getItems();
    return BenchSupport.fullyHealthy(qc, voters)
        && !pods.isEmpty()
        && pods.stream().allMatch(Kubelet::isReady)
        && QuorumClusters.condition(qc, "Progressing").orElse("").equals("False")
        && QuorumClusters.condition(qc, "Paused").orElse("False").equals("False");
  }

  private static GenericKubernetesResource cluster(LocalRuntime runtime, String name) {
    return BenchSupport.cluster(runtime, name);
  }

  private static String describe(Run r) {
    return String.format(
        "%.1f s (longest produce gap %.2f s, %d errors)",
        seconds(r.took()), seconds(r.gap()), r.errors());
  }

  private static String summary(String example, String path, List<Run> runs) {
    List<Long> took = runs.stream().map(r -> r.took().toMillis()).toList();
    List<Long> gaps = runs.stream().map(r -> r.gap().toMillis()).toList();
    return String.format(
        "%-16s %-9s %5d %7.1f s %7.1f s %11.2f s %11.2f s %7d",
        example,
        path,
        runs.size(),
        BenchSupport.percentile(took, 50) / 1000.0,
        BenchSupport.percentile(took, 95) / 1000.0,
        BenchSupport.percentile(gaps, 50) / 1000.0,
        BenchSupport.percentile(gaps, 95) / 1000.0,
        runs.stream().mapToInt(Run::errors).sum());
  }

  private static double ratio(List<Run> operator, List<Run> floor, int p) {
    return (double)
            BenchSupport.percentile(operator.stream().map(r -> r.took().toMillis()).toList(), p)
        / BenchSupport.percentile(floor.stream().map(r -> r.took().toMillis()).toList(), p);
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
