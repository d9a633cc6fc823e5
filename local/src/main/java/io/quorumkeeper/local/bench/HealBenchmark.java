package io.quorumkeeper.local.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.bench.QuorumProbe.Sample;
import io.quorumkeeper.local.kube.Kubelet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * {@code quorum-keeper bench heal [RUNS]}: fault → full fault tolerance again (docs/design.md
 * section 9), judged by the benchmark's own {@code describeMetadataQuorum} every 100 ms, for three
 * paths: the operator activating a hot spare after a voter's node goes down
 * (examples/combined-spare.yaml), the operator replacing a follower whose volume was wiped by its
 * new incarnation (examples/combined.yaml), and the same wipe on bare Kafka with {@code
 * controller.quorum.auto.join.enable=true} and no operator, interleaved run by run with the
 * previous one so both see the same machine. Prints each run, p50/p95 and the ratio, and how often
 * a heal cost more than the fault itself (see {@link HealMeasurement}). Figures, not a test.
 */
public final class HealBenchmark {

  private static final String OPERATOR_NET = "127.0.53";
  private static final String BARE_NET = "127.0.54";
  private static final Duration HEAL_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration SETTLE_PAUSE = Duration.ofSeconds(5);

  private HealBenchmark() {}

  public static int run(Path home, List<String> args) {
    int runs = BenchSupport.runs(args, 10, "heal");
    Path root = home.resolve("local/target/bench");
    Path hosts = root.resolve("heal-hosts");
    if (System.getProperty("jdk.net.hosts.file") == null) {
      return BenchSupport.inJvmResolvingPodNames(home, hosts, "heal", args);
    }
    System.out.printf(
        "Heal: fault -> full fault tolerance again, %d runs per path, describeMetadataQuorum every"
            + " %d ms; 2 CPUs here: see docs/local-runtime.md%n",
        runs, HealMeasurement.INTERVAL.toMillis());
    List<HealMeasurement> spare = spareActivation(home, root.resolve("heal-spare"), hosts, runs);
    List<List<HealMeasurement>> wipes = volumeWipes(home, root.resolve("heal-wipe"), hosts, runs);
    HealReport.header();
    HealReport.summary("spare activation, node down (operator)", spare);
    HealReport.summary("same-id replacement, volume wipe (operator)", wipes.get(0));
    HealReport.summary("volume wipe, Kafka auto-join (no operator)", wipes.get(1));
    HealReport.ratio("volume wipe, operator / auto-join", wipes.get(0), wipes.get(1));
    return 0;
  }

  /** A follower voter's node goes down; its pod comes back as a spare before the next run. */
  private static List<HealMeasurement> spareActivation(Path home, Path dir, Path hosts, int runs) {
    List<HealMeasurement> heals = new ArrayList<>();
    Path example = home.resolve("examples/combined-spare.yaml");
    try (LocalRuntime runtime = LocalRuntime.start(options(home, dir, hosts))) {
      GenericKubernetesResource qc = runtime.apply(example).get(0);
      String name = qc.getMetadata().getName();
      System.out.printf(
          "spare activation: %s, node-down of a follower voter, healing.unreachableAfter %s%n",
          example.getFileName(),
          QuorumClusters.at(qc, "spec.healing.unreachableAfter").orElse("30s (default)"));
      awaitReady(runtime, name, 4);
      try (QuorumProbe probe =
          new QuorumProbe(
              controllers(runtime, name),
              QuorumProbe.operatorTls(runtime.client(), "default", name))) {
        Sample steady =
            settle(probe, () -> operatorIdle(runtime, name), s -> !s.observers().isEmpty());
        for (int i = 0; i < runs; i++) {
          int victim = aFollower(steady);
          String directory = steady.voters().get(victim);
          String pod = name + "-node-" + victim;
          HealMeasurement m =
              measure(
                  "spare activation",
                  i,
                  probe,
                  () -> runtime.kubelet().nodeDown("default", pod),
                  s -> s.voters().size() == 3 && !s.isVoter(victim, directory));
          runtime.kubelet().nodeUp("default", pod);
          if (m == null) {
            break;
          }
          heals.add(m);
          // the returning pod must be a caught-up spare again before the next run
          steady =
              settle(
                  probe,
                  () -> operatorIdle(runtime, name) && pods(runtime, 4),
                  s -> s.observers().containsKey(victim));
        }
      }
    }
    return heals;
  }

  /**
   * A follower's volume is wiped, on the operator's cluster and on the bare auto-join one in turn;
   * returns the operator's heals, then auto-join's.
   */
  private static List<List<HealMeasurement>> volumeWipes(
      Path home, Path dir, Path hosts, int runs) {
    List<HealMeasurement> operator = new ArrayList<>();
    List<HealMeasurement> autoJoin = new ArrayList<>();
    Path example = home.resolve("examples/combined.yaml");
    RuntimeOptions options = options(home, dir, hosts);
    try (LocalRuntime runtime = LocalRuntime.start(options)) {
      String name = runtime.apply(example).get(0).getMetadata().getName();
      System.out.printf(
          "volume wipe of a follower: %s through the operator, and bare Kafka with auto-join%n",
          example.getFileName());
      awaitReady(runtime, name, 3);
      try (BareAutoJoinQuorum bare =
              new BareAutoJoinQuorum(
                  dir.resolve("bare"),
                  BARE_NET,
                  3,
                  template(runtime, name),
                  options.nodeJar(),
                  options.nodeLib(),
                  RuntimeOptions.SMALL_JVM);
          QuorumProbe operatorProbe =
              new QuorumProbe(
                  controllers(runtime, name),
                  QuorumProbe.operatorTls(runtime.client(), "default", name));
          QuorumProbe bareProbe = new QuorumProbe(bare.bootstrapControllers())) {
        bare.start();
        Sample bareSteady = settle(bareProbe, () -> !bare.anyExited());
        bare.markFormed();
        Sample steady = settle(operatorProbe, () -> operatorIdle(runtime, name));
        for (int i = 0; i < runs; i++) {
          HealMeasurement op = wipe("operator wipe", i, operatorProbe, steady, runtime, name);
          HealMeasurement aj = wipe("auto-join wipe", i, bareProbe, bareSteady, bare);
          if (op == null || aj == null) {
            break;
          }
          operator.add(op);
          autoJoin.add(aj);
          steady = settle(operatorProbe, () -> operatorIdle(runtime, name) && pods(runtime, 3));
          bareSteady = settle(bareProbe, () -> !bare.anyExited());
        }
      }
    }
    return List.of(operator, autoJoin);
  }

  private static HealMeasurement wipe(
      String path, int run, QuorumProbe probe, Sample steady, LocalRuntime runtime, String name) {
    int victim = aFollower(steady);
    return sameIdReplacement(
        path,
        run,
        probe,
        steady,
        victim,
        () -> runtime.kubelet().wipe("default", name + "-node-" + victim));
  }

  private static HealMeasurement wipe(
      String path, int run, QuorumProbe probe, Sample steady, BareAutoJoinQuorum bare) {
    int victim = aFollower(steady);
    return sameIdReplacement(path, run, probe, steady, victim, () -> bare.wipe(victim));
  }

  private static HealMeasurement sameIdReplacement(
      String path, int run, QuorumProbe probe, Sample steady, int victim, Runnable fault) {
    String directory = steady.voters().get(victim);
    return measure(
        path,
        run,
        probe,
        fault,
        s ->
            s.voters().size() == 3
                && s.voters().containsKey(victim)
                && !s.isVoter(victim, directory));
  }

  /** One heal, printed; null (and FAILED printed) when it did not complete in time. */
  private static HealMeasurement measure(
      String path, int run, QuorumProbe probe, Runnable fault, Predicate<Sample> replaced) {
    try {
      HealMeasurement m =
          HealMeasurement.measure(
              probe, fault, s -> replaced.test(s) && s.faultTolerance() == 1, HEAL_TIMEOUT);
      HealReport.run(path, run, m);
      return m;
    } catch (LocalRuntimeException e) {
      HealReport.failed(path, run, e.getMessage());
      return null;
    }
  }

  /**
   * Until the quorum has 3 caught-up voters, tolerates one failure, and {@code alsoReady} and
   * {@code also} hold; then a pause, so one run's aftermath (a broker starting) does not load the
   * next.
   */
  private static Sample settle(
      QuorumProbe probe, BooleanSupplier alsoReady, Predicate<Sample> also) {
    Sample[] last = new Sample[1];
    waitFor(
        () -> {
          last[0] = probe.sample();
          return whole(last[0]) && also.test(last[0]) && alsoReady.getAsBoolean();
        },
        "a whole quorum",
        SETTLE_TIMEOUT);
    sleep(SETTLE_PAUSE);
    Sample now = probe.sample();
    return whole(now) ? now : last[0];
  }

  private static Sample settle(QuorumProbe probe, BooleanSupplier alsoReady) {
    return settle(probe, alsoReady, s -> true);
  }

  private static boolean whole(Sample s) {
    return s.voters().size() == 3 && s.faultTolerance() == 1;
  }

  private static int aFollower(Sample s) {
    return s.voters().keySet().stream().filter(id -> id != s.leaderId()).findFirst().orElseThrow();
  }

  private static boolean operatorIdle(LocalRuntime runtime, String name) {
    GenericKubernetesResource qc =
        QuorumClusters.of(runtime.client()).inNamespace("default").withName(name).get();
    return qc != null
        && QuorumClusters.at(qc, "status.operation").isEmpty()
        && QuorumClusters.condition(qc, "QuorumHealthy").filter("True"::equals).isPresent();
  }

  private static boolean pods(LocalRuntime runtime, int ready) {
    return runtime.client().pods().inNamespace("default").list().getItems().stream()
            .filter(Kubelet::isReady)
            .count()
        == ready;
  }

  private static void awaitReady(LocalRuntime runtime, String name, int pods) {
    waitFor(
        () -> {
          GenericKubernetesResource qc =
              QuorumClusters.of(runtime.client()).inNamespace("default").withName(name).get();
          return qc != null
              && QuorumClusters.condition(qc, "Ready").filter("True"::equals).isPresent()
              && pods(runtime, pods);
        },
        name + " Ready",
        Duration.ofMinutes(5));
  }

  /** The controllers' addresses, {@code ip:9093,...}, for {@code bootstrap.controllers}. */
  private static String controllers(LocalRuntime runtime, String name) {
    return runtime.client().pods().inNamespace("default").list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(name + "-"))
        .map(Pod::getStatus)
        .map(s -> s.getPodIP() + ":9093")
        .sorted()
        .collect(Collectors.joining(","));
  }

  /** The pool's server.properties template, as the operator rendered it into its ConfigMap. */
  private static String template(LocalRuntime runtime, String name) {
    return runtime.client().configMaps().inNamespace("default").list().getItems().stream()
        .filter(c -> c.getMetadata().getName().startsWith(name + "-"))
        .map(ConfigMap::getData)
        .filter(d -> d != null && d.containsKey("server.properties"))
        .map(d -> d.get("server.properties"))
        .findFirst()
        .orElseThrow(() -> new LocalRuntimeException("no ConfigMap with server.properties"));
  }

  private static RuntimeOptions options(Path home, Path dir, Path hosts) {
    BenchSupport.delete(dir);
    return RuntimeOptions.defaults(home, dir).withNet(OPERATOR_NET).withHostsFile(hosts);
  }

  private static void waitFor(BooleanSupplier check, String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (check.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        // not yet
      }
      sleep(Duration.ofMillis(200)); // the benchmark's polling interval
    }
    throw new LocalRuntimeException("timed out waiting for " + what);
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalRuntimeException("interrupted");
    }
  }
}
