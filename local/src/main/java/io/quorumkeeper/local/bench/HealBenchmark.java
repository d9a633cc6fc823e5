package io.quorumkeeper.local.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.bench.BenchSupport.Transport;
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
 * {@code quorum-keeper bench heal [RUNS] [wipe]}: fault → full fault tolerance again
 * (docs/design.md section 9), judged by the benchmark's own {@code describeMetadataQuorum} every
 * 100 ms, for three paths: the operator activating a hot spare after a voter's node goes down
 * (examples/combined-spare.yaml), the operator replacing a follower whose volume was wiped by its
 * new incarnation (examples/combined.yaml, once as it is, TLS, and once as a Plaintext twin in the
 * same runtime), and the same wipe on bare Kafka with {@code
 * controller.quorum.auto.join.enable=true} and no operator, interleaved run by run with the
 * previous one so both see the same machine. Prints each run, p50/p95 and the ratio, and how often
 * a heal cost more than the fault itself (see {@link HealMeasurement}). {@code wipe} leaves out the
 * spare activation. Figures, not a test.
 */
public final class HealBenchmark {

  private static final String OPERATOR_NET = "127.0.53";
  private static final String BARE_NET = "127.0.54";

  /** The plaintext twin of the wiped example, next to it in the same runtime. */
  private static final String PLAIN = "plain";

  private static final Duration HEAL_TIMEOUT = Duration.ofMinutes(3);

  /** examples/combined-spare.yaml's {@code healing.unreachableAfter}, checked when it starts. */
  private static final Duration SPARE_UNREACHABLE_AFTER = Duration.ofSeconds(30);

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
    boolean wipeOnly = args.size() > 1 && "wipe".equals(args.get(1));
    List<HealMeasurement> spare =
        wipeOnly ? List.of() : spareActivation(home, root.resolve("heal-spare"), hosts, runs);
    List<List<HealMeasurement>> wipes = volumeWipes(home, root.resolve("heal-wipe"), hosts, runs);
    HealReport.header();
    if (!wipeOnly) {
      HealReport.summary("spare activation, node down (operator, TLS)", spare);
    }
    if (!wipeOnly) {
      HealReport.beyond("spare activation", spare, SPARE_UNREACHABLE_AFTER);
    }
    HealReport.summary("same-id replacement, volume wipe (TLS)", wipes.get(0));
    HealReport.summary("same-id replacement, volume wipe (Plaintext)", wipes.get(1));
    HealReport.summary("volume wipe, Kafka auto-join (no operator)", wipes.get(2));
    HealReport.ratio("volume wipe, TLS / Plaintext", wipes.get(0), wipes.get(1));
    HealReport.ratio("volume wipe, operator Plaintext / auto-join", wipes.get(1), wipes.get(2));
    HealReport.ratio("volume wipe, operator TLS / auto-join", wipes.get(0), wipes.get(2));
    return 0;
  }

  /** A follower voter's node goes down; its pod comes back as a spare before the next run. */
  private static List<HealMeasurement> spareActivation(Path home, Path dir, Path hosts, int runs) {
    List<HealMeasurement> heals = new ArrayList<>();
    Path example = home.resolve("examples/combined-spare.yaml");
    try (LocalRuntime runtime = LocalRuntime.start(options(home, dir, hosts))) {
      GenericKubernetesResource qc = runtime.apply(example).get(0);
      String name = qc.getMetadata().getName();
      String unreachableAfter =
          QuorumClusters.at(qc, "spec.healing.unreachableAfter").map(String::valueOf).orElse("30s");
      if (!unreachableAfter.equals(SPARE_UNREACHABLE_AFTER.toSeconds() + "s")) {
        throw new LocalRuntimeException(
            example + " says unreachableAfter " + unreachableAfter + "; the benchmark expects 30s");
      }
      System.out.printf(
          "spare activation: %s, node-down of a follower voter, healing.unreachableAfter %s%n",
          example.getFileName(), unreachableAfter);
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
                  () -> operatorIdle(runtime, name) && pods(runtime, name, 4),
                  s -> s.observers().containsKey(victim));
        }
      }
    }
    return heals;
  }

  /**
   * A follower's volume is wiped, on the operator's TLS cluster (the example as it is), on the same
   * example with {@code transport: Plaintext} (cluster {@value #PLAIN}) in the same runtime, and on
   * the bare auto-join quorum (plaintext, on the plaintext cluster's template), in turn; returns
   * the heals of the three in that order.
   */
  private static List<List<HealMeasurement>> volumeWipes(
      Path home, Path dir, Path hosts, int runs) {
    List<List<HealMeasurement>> heals =
        List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    Path example = home.resolve("examples/combined.yaml");
    RuntimeOptions options = options(home, dir, hosts);
    try (LocalRuntime runtime = LocalRuntime.start(options)) {
      String tls = runtime.apply(example).get(0).getMetadata().getName();
      runtime.apply(BenchSupport.example(runtime, example, Transport.Plaintext, PLAIN));
      System.out.printf(
          "volume wipe of a follower: %s through the operator as %s (TLS) and %s (Plaintext), and"
              + " bare Kafka with auto-join (plaintext)%n",
          example.getFileName(), tls, PLAIN);
      awaitReady(runtime, tls, 3);
      awaitReady(runtime, PLAIN, 3);
      try (BareAutoJoinQuorum bare =
              new BareAutoJoinQuorum(
                  dir.resolve("bare"),
                  BARE_NET,
                  3,
                  template(runtime, PLAIN),
                  options.nodeJar(),
                  options.nodeLib(),
                  RuntimeOptions.SMALL_JVM);
          QuorumProbe tlsProbe = probe(runtime, tls);
          QuorumProbe plainProbe = probe(runtime, PLAIN);
          QuorumProbe bareProbe = new QuorumProbe(bare.bootstrapControllers())) {
        bare.start();
        Sample bareSteady = settle(bareProbe, () -> !bare.anyExited());
        bare.markFormed();
        Sample tlsSteady = settle(tlsProbe, () -> operatorIdle(runtime, tls));
        Sample plainSteady = settle(plainProbe, () -> operatorIdle(runtime, PLAIN));
        for (int i = 0; i < runs; i++) {
          HealMeasurement t = wipe("TLS wipe", i, tlsProbe, tlsSteady, runtime, tls);
          HealMeasurement p = wipe("Plaintext wipe", i, plainProbe, plainSteady, runtime, PLAIN);
          HealMeasurement aj = wipe("auto-join wipe", i, bareProbe, bareSteady, bare);
          if (t == null || p == null || aj == null) {
            break;
          }
          heals.get(0).add(t);
          heals.get(1).add(p);
          heals.get(2).add(aj);
          tlsSteady = settle(tlsProbe, () -> operatorIdle(runtime, tls) && pods(runtime, tls, 3));
          plainSteady =
              settle(plainProbe, () -> operatorIdle(runtime, PLAIN) && pods(runtime, PLAIN, 3));
          bareSteady = settle(bareProbe, () -> !bare.anyExited());
        }
      }
    }
    return heals;
  }

  /** A probe of the cluster's controllers, with the operator's certificate when it runs TLS. */
  private static QuorumProbe probe(LocalRuntime runtime, String name) {
    return new QuorumProbe(
        controllers(runtime, name), QuorumProbe.operatorTls(runtime.client(), "default", name));
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

  private static boolean pods(LocalRuntime runtime, String name, int ready) {
    return runtime.client().pods().inNamespace("default").list().getItems().stream()
            .filter(p -> p.getMetadata().getName().startsWith(name + "-"))
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
              && pods(runtime, name, pods);
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
