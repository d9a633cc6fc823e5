package io.quorumkeeper.local.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.bench.BenchSupport.Transport;
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

/**
 * Create → Ready of examples/combined.yaml and examples/separated.yaml through the local runtime,
 * against the floor: the same nodes as bare {@code kafka.Kafka} processes, formatted and started by
 * a generated shell script (same rendered server.properties, disks, classpath and JVM flags), ready
 * when every one logged "Kafka Server started". Each run creates the example twice, as it is (TLS,
 * the default) and with {@code spec.security.transport: Plaintext}, in a fresh runtime each; each
 * has its own floor on its own files (the TLS floor's nodes read the same PEM files and speak the
 * same SSL and SASL_SSL listeners). Prints each run, p50/p95, the ratios of each transport to its
 * floor and TLS / Plaintext, and the resident memory of the operator JVM and each node JVM once
 * Ready. Not a test: figures only.
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
    for (String example : examples) {
      List<Long> tls = new ArrayList<>();
      List<Long> plain = new ArrayList<>();
      List<Long> floor = new ArrayList<>();
      List<Long> tlsFloor = new ArrayList<>();
      Path file = home.resolve("examples").resolve(example);
      for (int i = 0; i < runs; i++) {
        String base = example.replace(".yaml", "") + "-" + i;
        boolean last = i == runs - 1;
        // alternate which transport goes first, so neither always meets a warmer machine
        Measured t = null;
        Measured p;
        if (i % 2 == 1) {
          t = throughOperator(home, root.resolve(base + "-tls"), file, Transport.TLS, last);
        }
        p = throughOperator(home, root.resolve(base), file, Transport.Plaintext, last);
        if (t == null) {
          t = throughOperator(home, root.resolve(base + "-tls"), file, Transport.TLS, last);
        }
        tls.add(t.millis());
        plain.add(p.millis());
        floor.add(floor(home, p));
        tlsFloor.add(floor(home, t));
        System.out.printf(
            "  %s run %d: TLS %5d ms (floor %5d)   Plaintext %5d ms (floor %5d)   TLS/Plaintext"
                + " %s%n",
            example,
            i + 1,
            t.millis(),
            tlsFloor.get(i),
            p.millis(),
            floor.get(i),
            BenchSupport.ratio(t.millis(), p.millis()));
      }
      if (tls.isEmpty()) {
        continue;
      }
      summary(example, tls, plain, floor, tlsFloor);
    }
    return 0;
  }

  private static void summary(
      String example, List<Long> tls, List<Long> plain, List<Long> floor, List<Long> tlsFloor) {
    long t50 = BenchSupport.percentile(tls, 50);
    long p50 = BenchSupport.percentile(plain, 50);
    long f50 = BenchSupport.percentile(floor, 50);
    long tf50 = BenchSupport.percentile(tlsFloor, 50);
    long t95 = BenchSupport.percentile(tls, 95);
    long p95 = BenchSupport.percentile(plain, 95);
    long f95 = BenchSupport.percentile(floor, 95);
    long tf95 = BenchSupport.percentile(tlsFloor, 95);
    System.out.printf(
        "%s, %d runs: Create -> Ready p50 / p95: TLS %d / %d ms (floor %d / %d), Plaintext %d /"
            + " %d ms (floor %d / %d)%n",
        example, tls.size(), t50, t95, tf50, tf95, p50, p95, f50, f95);
    System.out.printf(
        "%s: against bare Kafka on the same files, TLS / TLS floor %s at p50, %s at p95;"
            + " Plaintext / Plaintext floor %s at p50, %s at p95; TLS / Plaintext %s at p50%n",
        example,
        BenchSupport.ratio(t50, tf50),
        BenchSupport.ratio(t95, tf95),
        BenchSupport.ratio(p50, f50),
        BenchSupport.ratio(p95, f95),
        BenchSupport.ratio(t50, p50));
  }

  record Measured(
      long millis, Path folder, Path hosts, String clusterId, Map<String, Properties> bootstrap) {}

  private static Measured throughOperator(
      Path home, Path dir, Path example, Transport transport, boolean printRss) {
    BenchSupport.delete(dir);
    RuntimeOptions options = RuntimeOptions.defaults(home, dir).withNet("127.0.50");
    try (LocalRuntime runtime = LocalRuntime.start(options)) {
      // the operator JVM is up and watching before the clock starts: Create -> Ready, not boot
      waitFor(() -> BenchSupport.operatorStarted(runtime), "operator start");
      List<GenericKubernetesResource> resources =
          BenchSupport.example(runtime, example, transport, null);
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
      if (printRss) {
        System.out.printf(
            "  resident memory once Ready (%s, %s):%n", example.getFileName(), transport);
        long operatorCpu = ProcStat.cpuTicks(runtime.operatorPid()) - operatorTicks;
        long ticks = ProcStat.ticksPerSecond();
        System.out.printf(
            "    operator JVM     %4d MiB, %.1f CPU-s from apply to Ready%n",
            BenchSupport.rssMib(runtime.operatorPid()), operatorCpu / (double) ticks);
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
      Map<String, Properties> bootstrap = new LinkedHashMap<>();
      for (Pod pod : runtime.client().pods().inNamespace("default").list().getItems()) {
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
        bootstrap.put(pod.getMetadata().getName(), p);
      }
      return new Measured(millis, dir, options.hostsFile(), clusterId, bootstrap);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The same nodes, bare: a script formats every disk and starts kafka.Kafka on the rendered files.
   */
  private static long floor(Path home, Measured m) {
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
            + " -Djdk.net.hosts.file="
            + m.hosts()
            + " -Dqk.local.folder="
            + floorDir;
    StringBuilder script = new StringBuilder("#!/usr/bin/env bash\nset -e\ncd " + floorDir + "\n");
    List<Path> logs = new ArrayList<>();
    for (Map.Entry<String, Properties> pod : m.bootstrap().entrySet()) {
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
      String roles = pod.getValue().getProperty("process.roles");
      String format =
          roles.contains("controller")
              ? "--initial-controllers '" + pod.getValue().getProperty("initial.controllers") + "'"
              : "";
      script.append(
          "(java "
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
      shell.descendants().forEach(ProcessHandle::destroyForcibly);
      Processes.kill(shell);
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
