package io.quorumkeeper.local.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.bench.BenchSupport.Transport;
import io.quorumkeeper.local.kube.CpuWeights;
import io.quorumkeeper.local.kube.NodeClassArchive;
import io.quorumkeeper.local.kube.Processes;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Create → Ready of examples/combined.yaml and examples/separated.yaml through the local runtime,
 * against the floor: the same nodes as bare {@code kafka.Kafka} processes, formatted and started by
 * a generated shell script (same rendered server.properties, disks, classpath and JVM flags), ready
 * when every one logged "Kafka Server started". Each run takes the example as it is (TLS, the
 * default) and with {@code spec.security.transport: Plaintext}, in a fresh runtime each. In each
 * runtime the example is created twice: first on the operator and runtime that just started (cold:
 * their JVMs meet creation, certificate and TLS code for the first time), then, once that cluster
 * was deleted and its pods were gone, under another name (warm: as an operator that has been
 * running a while creates a cluster). Each transport has its own floor on the warm cluster's files
 * (the TLS floor's nodes read the same PEM files and speak the same SSL and SASL_SSL listeners).
 * Prints each run, p50/p95, the ratios to the floor, and the resident memory of the operator JVM
 * and each node JVM once the warm cluster is Ready. Where the runtime can weigh its processes' CPU
 * as a kubelet does ({@link CpuWeights}), the floors' nodes are weighted like the pods, and TLS is
 * also run in a runtime where every process weighs the same, against an unweighted floor of its
 * own, in the same run, so the two can be compared side by side. Not a test: figures only.
 */
public final class CreateToReadyBenchmark {

  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private static void waitFor(BenchSupport.Check check, String what) {
    BenchSupport.waitFor(check, what, TIMEOUT);
  }

  private CreateToReadyBenchmark() {}

  public static int run(Path home, List<String> args) {
    int runs = args.isEmpty() ? 5 : Integer.parseInt(args.get(0));
    List<String> examples =
        args.size() > 1 ? args.subList(1, args.size()) : List.of("combined.yaml", "separated.yaml");
    Path root = home.resolve("local/target/bench");
    System.out.printf(
        "Create -> Ready, %d runs each, TLS (the default) and Plaintext through the operator and"
            + " bare Kafka on the same files, 2 CPUs here: see docs/local-runtime.md%n",
        runs);
    CpuWeights probe = CpuWeights.onThisMachine("127.0.50");
    boolean weighable = probe.modelled();
    probe.close();
    System.out.printf(
        "  %s%n",
        weighable
            ? "CPU weights as a kubelet sets them (pods by their CPU requests, the operator by its"
                + " Deployment's); TLS also run with every process weighing the same, side by side"
            : probe.describe());
    for (String example : examples) {
      Figures tls = new Figures();
      Figures plain = new Figures();
      Figures equal = new Figures();
      Path file = home.resolve("examples").resolve(example);
      for (int i = 0; i < runs; i++) {
        String base = example.replace(".yaml", "") + "-" + i;
        boolean last = i == runs - 1;
        // alternate which transport goes first, so neither always meets a warmer machine
        // TLS with every process weighing the same, next to the weighted TLS run
        Supplier<Runs> equalRun =
            () ->
                weighable
                    ? throughOperator(
                        home, root.resolve(base + "-tls-equal"), file, Transport.TLS, false, false)
                    : null;
        Runs t = null;
        Runs p;
        Runs e = null;
        if (i % 2 == 1) {
          t = throughOperator(home, root.resolve(base + "-tls"), file, Transport.TLS, last, true);
          e = equalRun.get();
        }
        p = throughOperator(home, root.resolve(base), file, Transport.Plaintext, last, true);
        if (t == null) {
          e = equalRun.get();
          t = throughOperator(home, root.resolve(base + "-tls"), file, Transport.TLS, last, true);
        }
        tls.add(t, floor(home, t.warm(), weighable));
        plain.add(p, floor(home, p.warm(), weighable));
        System.out.printf(
            "  %s run %d: TLS %5d ms cold, %5d ms warm (floor %5d)   Plaintext %5d ms cold, %5d ms"
                + " warm (floor %5d)   operator CPU-s TLS %.1f cold, %.1f warm, Plaintext %.1f"
                + " cold, %.1f warm%n",
            example,
            i + 1,
            t.cold().millis(),
            t.warm().millis(),
            tls.floor.get(i),
            p.cold().millis(),
            p.warm().millis(),
            plain.floor.get(i),
            t.cold().operatorCpu(),
            t.warm().operatorCpu(),
            p.cold().operatorCpu(),
            p.warm().operatorCpu());
        if (e != null) {
          equal.add(e, floor(home, e.warm(), false));
          System.out.printf(
              "  %s run %d: TLS, every process weighing the same: %5d ms cold, %5d ms warm,"
                  + " operator CPU-s %.1f cold, %.1f warm%n",
              example,
              i + 1,
              e.cold().millis(),
              e.warm().millis(),
              e.cold().operatorCpu(),
              e.warm().operatorCpu());
        }
      }
      if (runs > 0) {
        summary(example, "TLS", tls);
        summary(example, "Plaintext", plain);
        if (!equal.cold.isEmpty()) {
          summary(example, "TLS, every process weighing the same", equal);
        }
      }
    }
    return 0;
  }

  /** One transport's figures of every run, in milliseconds. */
  private static final class Figures {
    final List<Long> cold = new ArrayList<>();
    final List<Long> warm = new ArrayList<>();
    final List<Long> floor = new ArrayList<>();

    void add(Runs runs, long floorMillis) {
      cold.add(runs.cold().millis());
      warm.add(runs.warm().millis());
      floor.add(floorMillis);
    }
  }

  private static void summary(String example, String transport, Figures f) {
    long c50 = BenchSupport.percentile(f.cold, 50);
    long c95 = BenchSupport.percentile(f.cold, 95);
    long w50 = BenchSupport.percentile(f.warm, 50);
    long w95 = BenchSupport.percentile(f.warm, 95);
    long f50 = BenchSupport.percentile(f.floor, 50);
    long f95 = BenchSupport.percentile(f.floor, 95);
    System.out.printf(
        "%s, %s, %d runs, p50 / p95: first creation (cold operator) %d / %d ms, second creation"
            + " (warm operator) %d / %d ms, bare Kafka %d / %d ms%n",
        example, transport, f.cold.size(), c50, c95, w50, w95, f50, f95);
    System.out.printf(
        "%s, %s: against bare Kafka on the same files, cold %s at p50, %s at p95; warm %s at p50,"
            + " %s at p95%n",
        example,
        transport,
        BenchSupport.ratio(c50, f50),
        BenchSupport.ratio(c95, f95),
        BenchSupport.ratio(w50, f50),
        BenchSupport.ratio(w95, f95));
  }

  /**
   * One creation: {@code millis} from apply to Ready, {@code operatorCpu} the operator JVM's CPU
   * seconds in that time (on two CPUs, what the operator burns the node JVMs wait for), and each
   * pod, by name, for its floor.
   */
  record Measured(
      long millis,
      double operatorCpu,
      Path folder,
      Path hosts,
      String clusterId,
      Map<String, Node> nodes) {}

  /** A pod of a creation: its pool's bootstrap.properties and the CPU it requests. */
  record Node(Properties bootstrap, long milliCpu) {}

  /**
   * One transport's two creations in one runtime: {@code cold} on an operator and runtime that have
   * just started, {@code warm} after {@code cold} was Ready and deleted and its pods were gone.
   */
  record Runs(Measured cold, Measured warm) {}

  private static Runs throughOperator(
      Path home, Path dir, Path example, Transport transport, boolean printRss, boolean weighted) {
    BenchSupport.delete(dir);
    RuntimeOptions options = RuntimeOptions.defaults(home, dir).withNet("127.0.50");
    if (!weighted) {
      options = options.withoutCpuWeights();
    }
    try (LocalRuntime runtime = LocalRuntime.start(options)) {
      // the operator JVM is up and watching before the clock starts: Create -> Ready, not boot
      waitFor(() -> BenchSupport.operatorStarted(runtime), "operator start");
      List<GenericKubernetesResource> first =
          BenchSupport.example(runtime, example, transport, null);
      String name = first.get(0).getMetadata().getName();
      Measured cold = create(runtime, first, false, example, transport);
      runtime.delete("default", name);
      // gone means their processes too: a deleted pod's JVM shuts down for up to its grace
      // period (a broker whose controllers are gone waits for them), and a warm creation that
      // started meanwhile shared the two CPUs with it
      waitFor(
          () ->
              runtime.kubelet().containers().isEmpty()
                  && runtime.kubelet().pids().isEmpty()
                  && runtime.client().pods().inNamespace("default").list().getItems().isEmpty(),
          name + " deleted and its pods' processes ended");
      Measured warm =
          create(
              runtime,
              BenchSupport.example(runtime, example, transport, name + "-w"),
              printRss,
              example,
              transport);
      return new Runs(cold, warm);
    }
  }

  private static Measured create(
      LocalRuntime runtime,
      List<GenericKubernetesResource> resources,
      boolean printRss,
      Path example,
      Transport transport) {
    try {
      long operatorTicks = ProcStat.cpuTicks(runtime.operatorPid());
      long t0 = System.nanoTime();
      GenericKubernetesResource qc = runtime.apply(resources).get(0);
      String name = qc.getMetadata().getName();
      waitFor(
          () -> {
            var current =
                QuorumClusters.of(runtime.client()).inNamespace("default").withName(name).get();
            return QuorumClusters.condition(current, "Ready").filter("True"::equals).isPresent();
          },
          name + " Ready");
      long millis = (System.nanoTime() - t0) / 1_000_000;
      double operatorCpu =
          (ProcStat.cpuTicks(runtime.operatorPid()) - operatorTicks)
              / (double) ProcStat.ticksPerSecond();
      if (printRss) {
        System.out.printf(
            "  resident memory once Ready (%s, %s, warm):%n", example.getFileName(), transport);
        long ticks = ProcStat.ticksPerSecond();
        System.out.printf(
            "    operator JVM     %4d MiB, %.1f CPU-s from apply to Ready%n",
            BenchSupport.rssMib(runtime.operatorPid()), operatorCpu);
        for (var c :
            runtime.kubelet().containers().stream()
                .sorted(Comparator.comparing(c -> c.name()))
                .toList()) {
          long pid = c.snapshot().pid();
          System.out.printf(
              "    %-16s %4d MiB, %.1f CPU-s since its start%n",
              c.name(), BenchSupport.rssMib(pid), ProcStat.cpuTicks(pid) / (double) ticks);
        }
      }
      String clusterId =
          (String)
              QuorumClusters.at(
                      QuorumClusters.of(runtime.client())
                          .inNamespace("default")
                          .withName(name)
                          .get(),
                      "status.clusterId")
                  .orElseThrow();
      Map<String, Node> nodes = new LinkedHashMap<>();
      for (Pod pod : runtime.client().pods().inNamespace("default").list().getItems()) {
        if (!name.equals(pod.getMetadata().getLabels().get("app.kubernetes.io/instance"))) {
          continue;
        }
        // the pool's bootstrap.properties, one source of the pod's projected config volume
        String cm =
            pod.getSpec().getVolumes().stream()
                .filter(v -> v.getProjected() != null)
                .flatMap(v -> v.getProjected().getSources().stream())
                .filter(source -> source.getConfigMap() != null)
                .map(source -> source.getConfigMap().getName())
                .filter(map -> map.endsWith("-bootstrap"))
                .findFirst()
                .orElseThrow();
        ConfigMap map = runtime.client().configMaps().inNamespace("default").withName(cm).get();
        Properties p = new Properties();
        p.load(new StringReader(map.getData().get("bootstrap.properties")));
        nodes.put(
            pod.getMetadata().getName(),
            new Node(p, CpuWeights.milliCpu(pod.getSpec().getContainers())));
      }
      return new Measured(
          millis,
          operatorCpu,
          runtime.options().folder(),
          runtime.options().hostsFile(),
          clusterId,
          nodes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The same nodes, bare: a script formats every disk and starts kafka.Kafka on the rendered files;
   * {@code weighted}: each node in a cgroup weighted for its pod's CPU request, as the runtime's
   * pods were, so the floor is scheduled as the same pods on a kubelet would be.
   */
  private static long floor(Path home, Measured m, boolean weighted) {
    try (CpuWeights weights =
        weighted
            ? CpuWeights.onThisMachine("127.0.50-floor")
            : CpuWeights.off("an unweighted floor")) {
      return floor(home, m, weights);
    }
  }

  private static long floor(Path home, Measured m, CpuWeights weights) {
    Path dir = m.folder();
    Path floorDir = dir.resolve("floor");
    String cp =
        home.resolve("quorum-node/target/quorum-node.jar")
            + ":"
            + home.resolve("quorum-node/target/lib")
            + "/*";
    List<String> archive =
        NodeClassArchive.options(home.resolve("quorum-node/target/quorum-node.jar"));
    String jvm =
        String.join(" ", RuntimeOptions.SMALL_JVM)
            + (archive.isEmpty() ? "" : " " + archive.get(0))
            // what the node's launcher sets for Kafka's in-memory PEM key stores (InMemoryKeyStores
            // in quorum-node): bare Kafka gets it too, the comparison is of what the node adds
            + " -Dkeystore.pkcs12.keyPbeIterationCount=1"
            + " -Djdk.net.hosts.file="
            + m.hosts()
            + " -Dqk.local.folder="
            + floorDir;
    StringBuilder script = new StringBuilder("#!/usr/bin/env bash\nset -e\ncd " + floorDir + "\n");
    List<Path> logs = new ArrayList<>();
    for (Map.Entry<String, Node> pod : m.nodes().entrySet()) {
      String name = pod.getKey();
      Path rendered = dir.resolve("pods/default").resolve(name).resolve("work/server.properties");
      Path data = floorDir.resolve(name + "-data");
      Path config = floorDir.resolve(name + ".properties");
      try {
        Files.createDirectories(floorDir);
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(rendered)) {
          p.load(r);
        }
        p.setProperty("log.dirs", data.toString());
        try (var w = Files.newBufferedWriter(config)) {
          p.store(w, "floor: " + name);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Properties bootstrap = pod.getValue().bootstrap();
      String format =
          bootstrap.getProperty("process.roles").contains("controller")
              ? "--initial-controllers '" + bootstrap.getProperty("initial.controllers") + "'"
              : "";
      Path group = weights.prepare(CpuWeights.podGroup("default", name), pod.getValue().milliCpu());
      script.append(
          "("
              + (group == null ? "" : "echo $BASHPID > " + group.resolve("cgroup.procs") + " && ")
              + "java "
              + jvm
              + " -cp '"
              + cp
              + "' kafka.tools.StorageTool format -c "
              + config
              + " -t "
              + m.clusterId()
              + " "
              + format
              + " > "
              + name
              + ".format.log 2>&1 && \\\n  exec java "
              + jvm
              + " -cp '"
              + cp
              + "' kafka.Kafka "
              + config
              + " > "
              + name
              + ".log 2>&1) &\n"
              + "echo $! >> pids\n");
      logs.add(floorDir.resolve(name + ".log"));
    }
    script.append("wait\n");
    Path file = floorDir.resolve("floor.sh");
    Process shell;
    long t0;
    try {
      Files.writeString(file, script);
      t0 = System.nanoTime();
      shell =
          new ProcessBuilder("bash", file.toString())
              .redirectErrorStream(true)
              .redirectOutput(floorDir.resolve("floor.out").toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      waitFor(
          () -> logs.stream().allMatch(CreateToReadyBenchmark::started),
          "floor Kafka Server started");
      return (System.nanoTime() - t0) / 1_000_000;
    } finally {
      List<ProcessHandle> tree = shell.descendants().toList();
      tree.forEach(ProcessHandle::destroyForcibly);
      Processes.kill(shell);
      // their cgroups can go only once they have
      tree.forEach(
          h ->
              h.onExit()
                  .orTimeout(10, java.util.concurrent.TimeUnit.SECONDS)
                  .exceptionally(x -> h)
                  .join());
    }
  }

  private static boolean started(Path log) {
    try {
      return Files.exists(log) && Files.readString(log).contains("Kafka Server started");
    } catch (IOException e) {
      return false;
    }
  }
}
