package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPU weight a kubelet gives each pod, and the operator's Deployment, from their CPU requests:
 * under contention the kernel shares the CPUs between them in proportion to what they requested, as
 * on a Kubernetes node, instead of equally between every thread of every JVM.
 *
 * <p>A kubelet puts each pod in a cgroup whose {@code cpu.shares} is its containers' CPU requests
 * in millicores × 1024 / 1000 (at least 2, the weight of a pod that requests none), under a parent
 * ({@code kubepods}) weighted by the node's allocatable CPUs. Here: a group named after the
 * runtime's loopback block in the cgroup v1 {@code cpu} hierarchy, weighted 1024 per CPU of this
 * machine, with one child per pod ({@code pod-<namespace>-<name>}, a restart goes back into it) and
 * one for the operator. The runtime's own JVM (the embedded API server, the controllers, the
 * kubelet stand-in: a control plane) stays where it was started.
 *
 * <p>Modelled only where this process may write that hierarchy (root, cgroup v1 with the {@code
 * cpu} controller mounted at {@code /sys/fs/cgroup/cpu}); elsewhere every process keeps the weight
 * it started with and {@link #describe()} says why. Placing a process never fails a start: a write
 * the kernel refuses is logged once and the process runs unweighted.
 */
public final class CpuWeights implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CpuWeights.class);

  /** Where cgroup v1 mounts its {@code cpu} controller. */
  public static final Path CPU_HIERARCHY = Path.of("/sys/fs/cgroup/cpu");

  static final long MIN_SHARES = 2;
  static final long MAX_SHARES = 262_144;

  private final Path group;
  private final String why;
  private volatile boolean warned;

  private CpuWeights(Path group, String why) {
    this.group = group;
    this.why = why;
  }

  /** Weights not modelled, for {@code reason}. */
  public static CpuWeights off(String reason) {
    return new CpuWeights(null, reason);
  }

  /**
   * Weights in the group {@code quorum-keeper-<net>} of {@code hierarchy} (a cgroup v1 {@code cpu}
   * hierarchy), or {@link #off} saying why when it cannot be made there.
   */
  public static CpuWeights under(Path hierarchy, String net, int cpus) {
    if (!Files.isRegularFile(hierarchy.resolve("cpu.shares"))) {
      return off("no cgroup v1 cpu controller at " + hierarchy);
    }
    Path group = hierarchy.resolve("quorum-keeper-" + net);
    try {
      Files.createDirectories(group);
      write(group.resolve("cpu.shares"), Math.min(MAX_SHARES, 1024L * cpus));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return off("cannot write " + group + " (" + e.getMessage() + ")");
    }
    return new CpuWeights(group, null);
  }

  /** Weights in this machine's own {@link #CPU_HIERARCHY}, weighted for all of its CPUs. */
  public static CpuWeights onThisMachine(String net) {
    return under(CPU_HIERARCHY, net, Runtime.getRuntime().availableProcessors());
  }

  /** Whether processes are placed at all. */
  public boolean modelled() {
    return group != null;
  }

  /** One line for the runtime's log: what is modelled, or why not. */
  public String describe() {
    return modelled()
        ? "CPU weights as a kubelet sets them from CPU requests, in " + group
        : "CPU weights not modelled (every process weighs the same): " + why;
  }

  /**
   * {@code cpu.shares} a kubelet gives {@code milliCpu} of requests: 1024 per CPU, between 2 and
   * 262144.
   */
  public static long shares(long milliCpu) {
    // 256 CPUs are the most shares; checked first, so the product cannot overflow
    return milliCpu >= MAX_SHARES * 1000 / 1024
        ? MAX_SHARES
        : Math.max(MIN_SHARES, milliCpu * 1024 / 1000);
  }

  /** The child a pod is weighed in: {@code pod-<namespace>-<name>}. */
  public static String podGroup(String namespace, String pod) {
    return "pod-" + namespace + "-" + pod;
  }

  /**
   * The millicores a container set requests: its CPU request, else its limit (which Kubernetes then
   * takes as the request), summed over the containers; 0 when none says anything.
   */
  public static long milliCpu(List<Container> containers) {
    long sum = 0;
    for (Container c : containers == null ? List.<Container>of() : containers) {
      ResourceRequirements r = c.getResources();
      if (r == null) {
        continue;
      }
      Quantity cpu = r.getRequests() == null ? null : r.getRequests().get("cpu");
      if (cpu == null && r.getLimits() != null) {
        cpu = r.getLimits().get("cpu");
      }
      if (cpu != null) {
        sum = saturatingAdd(sum, millis(cpu));
      }
    }
    return sum;
  }

  private static long millis(Quantity cpu) {
    try {
      BigDecimal m = Quantity.getAmountInBytes(cpu).multiply(BigDecimal.valueOf(1000));
      return m.signum() <= 0 ? 0 : m.min(BigDecimal.valueOf(Long.MAX_VALUE / 2)).longValue();
    } catch (RuntimeException e) {
      return 0; // the API server would have refused it; weigh it as no request
    }
  }

  private static long saturatingAdd(long a, long b) {
    long s = a + b;
    return s < 0 ? Long.MAX_VALUE : s;
  }

  /**
   * Moves process {@code pid} (all its threads, and the children it starts later) into the child
   * {@code name} weighted for {@code milliCpu}; returns the child, or null when not modelled or the
   * kernel refused.
   */
  public Path place(String name, long pid, long milliCpu) {
    Path child = prepare(name, milliCpu);
    if (child == null) {
      return null;
    }
    try {
      write(child.resolve("cgroup.procs"), pid);
      return child;
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        LOG.warn("cannot weigh {} (pid {}) in {}: {}", name, pid, child, e.getMessage());
      }
      return null;
    }
  }

  /**
   * The child {@code name} weighted for {@code milliCpu}, made if missing, for a process to move
   * itself into (by writing its pid to the child's {@code cgroup.procs}); null when not modelled or
   * the kernel refused.
   */
  public Path prepare(String name, long milliCpu) {
    if (!modelled()) {
      return null;
    }
    Path child = group.resolve(name);
    try {
      Files.createDirectories(child);
      write(child.resolve("cpu.shares"), shares(milliCpu));
      return child;
    } catch (IOException e) {
      if (!warned) {
        warned = true;
        LOG.warn("cannot weigh {} in {}: {}", name, child, e.getMessage());
      }
      return null;
    }
  }

  /**
   * The cgroup v1 {@code cpu} group process {@code pid} is in, as {@code /proc/<pid>/cgroup} names
   * it ({@code /quorum-keeper-127.0.50/operator}), or empty when it cannot be read.
   */
  public static Optional<String> cpuGroupOf(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
        String[] parts = line.split(":", 3);
        if (parts.length == 3 && List.of(parts[1].split(",")).contains("cpu")) {
          return Optional.of(parts[2]);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.empty();
  }

  /** Removes the children and the group; one still holding a process stays (the kernel refuses). */
  @Override
  public void close() {
    if (!modelled()) {
      return;
    }
    try (Stream<Path> children = Files.list(group)) {
      children.filter(Files::isDirectory).forEach(CpuWeights::removeQuietly);
    } catch (IOException e) {
      LOG.debug("cannot list {}: {}", group, e.getMessage());
    }
    removeQuietly(group);
  }

  private static void removeQuietly(Path cgroup) {
    try {
      Files.deleteIfExists(cgroup); // rmdir: a cgroup's files go with it
    } catch (IOException e) {
      LOG.debug("cgroup {} stays: {}", cgroup, e.getMessage());
    }
  }

  private static void write(Path file, long value) throws IOException {
    Files.writeString(file, Long.toString(value));
  }
}
