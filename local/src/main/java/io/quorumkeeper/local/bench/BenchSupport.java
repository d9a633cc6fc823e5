package io.quorumkeeper.local.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.kube.Processes;
import io.quorumkeeper.local.kube.RuntimeLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the benchmarks share: polling with a deadline, percentiles, folders, the cluster's health.
 */
final class BenchSupport {

  /** How often a benchmark looks again unless it says otherwise; the resolution of its figures. */
  static final Duration POLL = Duration.ofMillis(100);

  private BenchSupport() {}

  interface Check {
    boolean ok() throws Exception;
  }

  /** Until {@code check} holds; a runtime failure ends the wait at once, other exceptions not. */
  static void waitFor(Check check, String what, Duration timeout, Duration poll) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (holds(check)) {
        return;
      }
      pause(poll);
    }
    throw new LocalRuntimeException("timed out after " + timeout + " waiting for " + what);
  }

  static void waitFor(Check check, String what, Duration timeout) {
    waitFor(check, what, timeout, POLL);
  }

  /** Until {@code check} has held on every look for {@code period} without a break. */
  static void waitForSteady(Check check, String what, Duration period, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long since = -1;
    while (System.nanoTime() < deadline) {
      if (holds(check)) {
        since = since < 0 ? System.nanoTime() : since;
        if (System.nanoTime() - since >= period.toNanos()) {
          return;
        }
      } else {
        since = -1;
      }
      pause(POLL);
    }
    throw new LocalRuntimeException(
        "timed out after " + timeout + " waiting for " + what + " to hold for " + period);
  }

  private static boolean holds(Check check) {
    try {
      return check.ok();
    } catch (LocalRuntimeException e) {
      throw e;
    } catch (Exception e) {
      return false; // not yet
    }
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // a benchmark's polling interval or measuring window, not a test
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalRuntimeException("interrupted");
    }
  }

  /** Nearest-rank percentile: of 10 values, p50 is the 5th smallest and p95 the largest. */
  static long percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  static void delete(Path dir) {
    RuntimeLayout.deleteTree(dir);
  }

  /** The first argument, a number of runs, or {@code runs} without arguments. */
  static int runs(List<String> args, int runs, String bench) {
    try {
      return args.isEmpty() ? runs : Integer.parseInt(args.get(0));
    } catch (NumberFormatException e) {
      throw new InputException("bench " + bench + " takes a number of runs, not " + args.get(0));
    }
  }

  /**
   * A benchmark that asks pods by their names, which only the runtime's hosts file resolves, runs
   * in a JVM started with {@code jdk.net.hosts.file} (a JVM reads it once): {@code bench <name>
   * <args>} again in such a JVM, whose exit code this returns.
   */
  static int inJvmResolvingPodNames(Path home, Path hosts, String name, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Processes.java().toString());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC"));
    command.add("-Djdk.net.hosts.file=" + hosts.toAbsolutePath());
    command.add("-Dsun.net.inetaddr.ttl=1");
    command.add("-Dsun.net.inetaddr.negative.ttl=0");
    command.add("-Dquorumkeeper.home=" + home);
    String log = System.getProperty("org.slf4j.simpleLogger.logFile");
    if (log != null) {
      command.add("-Dorg.slf4j.simpleLogger.logFile=" + log);
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.addAll(List.of("io.quorumkeeper.local.Main", "bench", name));
    command.addAll(args);
    try {
      Files.createDirectories(hosts.getParent());
      Files.writeString(hosts, "127.0.0.1 localhost\n");
      return new ProcessBuilder(command).inheritIO().start().waitFor();
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot start the benchmark JVM: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  /** Whether the operator's controller is up and watching: measurements start after its boot. */
  static boolean operatorStarted(LocalRuntime runtime) {
    try {
      return runtime.operatorPid() > 0
          && Files.readString(runtime.layout().operatorLog())
              .contains("'quorumcluster' controller started");
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The transports a benchmark compares, each run in the same invocation: {@code TLS} is what an
   * example gets by default (docs/security.md), {@code Plaintext} the same example with {@code
   * spec.security.transport: Plaintext}.
   */
  enum Transport {
    TLS,
    Plaintext
  }

  /**
   * The resources of {@code example}, each renamed {@code name} when that is not null, and with
   * {@code spec.security.transport: Plaintext} for {@link Transport#Plaintext}; TLS leaves the
   * example as it is (its default).
   */
  @SuppressWarnings("unchecked")
  static List<GenericKubernetesResource> example(
      LocalRuntime runtime, Path example, Transport transport, String name) {
    List<GenericKubernetesResource> resources = runtime.files().read(example);
    for (GenericKubernetesResource r : resources) {
      if (name != null) {
        r.getMetadata().setName(name);
      }
      if (transport == Transport.Plaintext) {
        Map<String, Object> spec =
            (Map<String, Object>)
                r.getAdditionalProperties().computeIfAbsent("spec", k -> new LinkedHashMap<>());
        ((Map<String, Object>) spec.computeIfAbsent("security", k -> new LinkedHashMap<>()))
            .put("transport", "Plaintext");
      }
    }
    return resources;
  }

  /** {@code a / b} as printed in the figures, "-" when there is nothing to divide by. */
  static String ratio(long a, long b) {
    return b <= 0 ? "-" : String.format("%.2f", (double) a / b);
  }

  static GenericKubernetesResource cluster(LocalRuntime runtime, String name) {
    return QuorumClusters.of(runtime.client()).inNamespace("default").withName(name).get();
  }

  /**
   * Full fault tolerance as the status shows it: a leader, every voter CaughtUp, tolerance as
   * promised for {@code voters}, QuorumHealthy and Ready True.
   */
  @SuppressWarnings("unchecked")
  static boolean fullyHealthy(GenericKubernetesResource qc, int voters) {
    if (qc == null
        || QuorumClusters.at(qc, "status.quorum.leaderId").isEmpty()
        || !QuorumClusters.condition(qc, "QuorumHealthy").filter("True"::equals).isPresent()
        || !QuorumClusters.condition(qc, "Ready").filter("True"::equals).isPresent()) {
      return false;
    }
    Object tolerance = QuorumClusters.at(qc, "status.quorum.faultTolerance").orElse(-1);
    List<Map<String, Object>> members =
        (List<Map<String, Object>>)
            QuorumClusters.at(qc, "status.quorum.members").orElse(List.of());
    long caughtUpVoters =
        members.stream()
            .filter(m -> "Leader".equals(m.get("role")) || "Follower".equals(m.get("role")))
            .filter(m -> "CaughtUp".equals(m.get("health")))
            .count();
    return ((Number) tolerance).intValue() == (voters - 1) / 2 && caughtUpVoters == voters;
  }

  static long rssMib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
      }
    } catch (IOException e) {
      // gone
    }
    return -1;
  }
}
