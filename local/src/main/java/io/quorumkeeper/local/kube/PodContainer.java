package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Probe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pod realized as a local process, supervised like a kubelet supervises a container: started on
 * the pod's loopback address, restarted with a small backoff when it exits, probed for readiness
 * over HTTP(S), and open to the faults the runtime offers (kill, wipe, freeze, node down).
 */
public final class PodContainer {

  private static final Logger LOG = LoggerFactory.getLogger(PodContainer.class);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);

  /** Everything needed to start the process; computed at each (re)start from the pod. */
  public interface Launcher {
    ProcessBuilder prepare(Pod pod, String ip);
  }

  private final Pod pod;
  private final String ip;
  private final Launcher launcher;
  private final Processes processes;
  private final CpuWeights weights;
  private final Supplier<List<Path>> claimDirs;
  private final HttpClient http;
  private final Object lock = new Object();

  private Thread supervisor;
  private volatile Process process;
  private volatile int restarts;
  private volatile Instant startedAt;
  private volatile Instant firstStart;
  private volatile Integer lastExitCode;
  private volatile Instant lastFinishedAt;
  private volatile String waitingReason = "ContainerCreating";
  private volatile String waitingMessage;
  private volatile boolean ready;
  private final java.util.concurrent.atomic.AtomicBoolean probing =
      new java.util.concurrent.atomic.AtomicBoolean();
  private volatile int probeFailures;
  private volatile Instant probedStart;
  private volatile Instant lastProbe;
  private volatile boolean frozen;
  private volatile boolean nodeDown;
  private volatile boolean wipeRequested;
  private volatile boolean stopRequested;
  private volatile boolean ended;

  PodContainer(
      Pod pod,
      String ip,
      Launcher launcher,
      Processes processes,
      CpuWeights weights,
      Supplier<List<Path>> claimDirs,
      HttpClient http) {
    this.pod = pod;
    this.ip = ip;
    this.launcher = launcher;
    this.processes = processes;
    this.weights = weights;
    this.claimDirs = claimDirs;
    this.http = http;
  }

  public String name() {
    return pod.getMetadata().getName();
  }

  public String uid() {
    return pod.getMetadata().getUid();
  }

  public Pod pod() {
    return pod;
  }

  public String ip() {
    return ip;
  }

  void start() {
    supervisor = new Thread(this::supervise, "pod-" + name());
    supervisor.setDaemon(true);
    supervisor.start();
  }

  private void supervise() {
    Duration backoff = FIRST_BACKOFF;
    while (!stopRequested) {
      if (nodeDown) {
        pause(Duration.ofMillis(500));
        continue;
      }
      String busy = busyPort();
      if (busy != null) {
        waitingReason = "AddressInUse";
        waitingMessage =
            busy + " is in use by another process (another runtime on the same --net block?)";
        LOG.warn("pod {}: {}", name(), waitingMessage);
        pause(backoff);
        backoff = next(backoff);
        continue;
      }
      Process p;
      try {
        ProcessBuilder builder = launcher.prepare(pod, ip);
        synchronized (lock) {
          if (stopRequested) {
            break;
          }
          p = builder.start();
          process = p;
          processes.started(p);
        }
        weights.place(
            CpuWeights.podGroup(pod.getMetadata().getNamespace(), name()),
            p.pid(),
            CpuWeights.milliCpu(pod.getSpec().getContainers()));
      } catch (IOException | UncheckedIOException | IllegalStateException e) {
        waitingReason = "CreateContainerError";
        waitingMessage = e.getMessage();
        LOG.warn("pod {}: cannot start: {}", name(), e.getMessage());
        pause(backoff);
        backoff = next(backoff);
        continue;
      }
      startedAt = Instant.now();
      if (firstStart == null) {
        firstStart = startedAt;
      }
      waitingReason = null;
      waitingMessage = null;
      LOG.info("pod {}: started pid {} on {}", name(), p.pid(), ip);
      int code = waitFor(p);
      processes.ended(p);
      ready = false;
      if (stopRequested) {
        break;
      }
      lastExitCode = code;
      lastFinishedAt = Instant.now();
      restarts++;
      if (wipeRequested) {
        wipeClaims();
        wipeRequested = false;
        LOG.info("pod {}: volume wiped, restarting", name());
        continue;
      }
      if (Duration.between(startedAt, lastFinishedAt).compareTo(Duration.ofMinutes(1)) > 0) {
        backoff = FIRST_BACKOFF;
      }
      waitingReason = "CrashLoopBackOff";
      waitingMessage = "exited with " + code + "; restarting in " + backoff.toMillis() + " ms";
      LOG.info(
          "pod {}: exited with code {}, restarting in {} ms", name(), code, backoff.toMillis());
      pause(backoff);
      backoff = next(backoff);
    }
    ended = true;
  }

  private static Duration next(Duration backoff) {
    Duration doubled = backoff.multipliedBy(2);
    return doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
  }

  private static int waitFor(Process p) {
    while (true) {
      try {
        return p.waitFor();
      } catch (InterruptedException e) {
        // a stop is signalled by stopRequested and by ending the process, not by interrupts
      }
    }
  }

  private void pause(Duration d) {
    synchronized (lock) {
      try {
        lock.wait(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void wake() {
    synchronized (lock) {
      lock.notifyAll();
    }
  }

  /** An address:port of the pod that another process holds, or null when all are free. */
  private String busyPort() {
    for (ContainerPort port : PodLaunch.container(pod).getPorts()) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(ip, port.getContainerPort()));
      } catch (IOException e) {
        return ip + ":" + port.getContainerPort();
      }
    }
    return null;
  }

  /** Stops the process (SIGTERM, then SIGKILL after a grace period) and the supervision. */
  void stop() {
    stopRequested = true;
    wake();
    Process p;
    synchronized (lock) {
      p = process;
    }
    if (p != null) {
      Processes.stop(p, STOP_GRACE);
    }
    if (supervisor != null) {
      try {
        supervisor.join(STOP_GRACE.toMillis() + 15_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ended = true;
  }

  boolean ended() {
    return ended;
  }

  /** kill -9: the process dies, the supervisor restarts it as a kubelet restarts a container. */
  void kill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      Processes.signal(p.pid(), "CONT");
      p.destroyForcibly();
    }
    frozen = false;
  }

  /** The pod's volumes are emptied while its process is down, then it starts again. */
  void wipe() {
    wipeRequested = true;
    Process p = process;
    if (p != null && p.isAlive()) {
      Processes.signal(p.pid(), "CONT");
      p.destroyForcibly();
    } else {
      wake();
    }
    frozen = false;
  }

  private void wipeClaims() {
    for (Path dir : claimDirs.get()) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
          if (!f.equals(dir)) {
            Files.delete(f);
          }
        }
      } catch (IOException e) {
        LOG.warn("pod {}: could not wipe {}: {}", name(), dir, e.getMessage());
      }
    }
  }

  void freeze() {
    frozen = true;
    Process p = process;
    if (p != null) {
      Processes.signal(p.pid(), "STOP");
    }
  }

  void thaw() {
    frozen = false;
    Process p = process;
    if (p != null && !nodeDown) {
      Processes.signal(p.pid(), "CONT");
    }
  }

  void nodeDown() {
    nodeDown = true;
    ready = false;
    Process p = process;
    if (p != null) {
      Processes.signal(p.pid(), "STOP");
    }
  }

  void nodeUp() {
    nodeDown = false;
    Process p = process;
    if (p != null && !frozen) {
      Processes.signal(p.pid(), "CONT");
    }
    wake();
  }

  boolean isNodeDown() {
    return nodeDown;
  }

  boolean isFrozen() {
    return frozen;
  }

  /** Claims this container's probe slot: false while one of its probes is still running. */
  boolean startProbing() {
    return probing.compareAndSet(false, true);
  }

  void probingEnded() {
    probing.set(false);
  }

  /**
   * One readiness probe, as the pod spec describes it (scheme, path and port), on this pod's
   * address; HTTPS as a kubelet does it, without verifying the certificate.
   *
   * @return whether the container's readiness changed
   */
  boolean probe() {
    boolean was = ready;
    probeOnce();
    return ready != was;
  }

  private void probeOnce() {
    Process p = process;
    if (p == null || !p.isAlive() || nodeDown) {
      ready = false;
      return;
    }
    Probe probe = PodLaunch.container(pod).getReadinessProbe();
    if (probe == null || probe.getHttpGet() == null) {
      ready = true;
      return;
    }
    if (!due(probe, Instant.now())) {
      return;
    }
    HTTPGetAction get = probe.getHttpGet();
    int port = port(PodLaunch.container(pod), get.getPort());
    boolean https = "HTTPS".equalsIgnoreCase(get.getScheme());
    boolean ok;
    try {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create((https ? "https://" : "http://") + ip + ":" + port + get.getPath()))
              .timeout(
                  Duration.ofSeconds(
                      probe.getTimeoutSeconds() == null
                          ? 1
                          : Math.max(1, probe.getTimeoutSeconds())))
              .GET()
              .build();
      HttpClient client = https ? KubeletProbeTls.client() : http;
      ok = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() / 100 == 2;
    } catch (IOException e) {
      ok = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    }
    int threshold =
        probe.getFailureThreshold() == null ? 3 : Math.max(1, probe.getFailureThreshold());
    if (ok) {
      probeFailures = 0;
      ready = true;
    } else if (++probeFailures >= threshold || !ready) {
      ready = false;
    }
  }

  /**
   * Whether a kubelet would probe now: not before the probe's {@code initialDelaySeconds} after the
   * container started, then once per {@code periodSeconds} (each only when set), the starts a
   * period apart as a kubelet's ticker sets them; a start missed while a probe still ran is
   * skipped, not made up.
   */
  private boolean due(Probe probe, Instant now) {
    Instant started = startedAt;
    if (started == null) {
      return false;
    }
    if (!started.equals(probedStart)) {
      probedStart = started;
      lastProbe = null;
    }
    Integer delay = probe.getInitialDelaySeconds();
    if (delay != null && now.isBefore(started.plusSeconds(delay))) {
      return false;
    }
    // unset: every second, as this stand-in always probed such pods (a kubelet's default is 10 s)
    int period = probe.getPeriodSeconds() == null ? 1 : Math.max(1, probe.getPeriodSeconds());
    Instant next = lastProbe == null ? null : lastProbe.plusSeconds(period);
    if (next != null && now.isBefore(next)) {
      return false;
    }
    lastProbe = next == null || now.isAfter(next.plusSeconds(period)) ? now : next;
    return true;
  }

  private static int port(Container container, IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return container.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .findFirst()
        .map(ContainerPort::getContainerPort)
        .orElseThrow(
            () -> new IllegalStateException("no container port named " + port.getStrVal()));
  }

  /** What the kubelet reports about this container; see {@link PodStatuses}. */
  public Snapshot snapshot() {
    Process p = process;
    boolean running = p != null && p.isAlive() && waitingReason == null;
    return new Snapshot(
        running,
        ready && running && !nodeDown,
        restarts,
        startedAt,
        firstStart,
        waitingReason,
        waitingMessage,
        lastExitCode,
        lastFinishedAt,
        frozen,
        nodeDown,
        p == null ? -1 : p.pid());
  }

  /** A container's state at one moment. */
  public record Snapshot(
      boolean running,
      boolean ready,
      int restarts,
      Instant startedAt,
      Instant firstStart,
      String waitingReason,
      String waitingMessage,
      Integer lastExitCode,
      Instant lastFinishedAt,
      boolean frozen,
      boolean nodeDown,
      long pid) {}

  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    Process p = process;
    if (p != null && p.isAlive()) {
      pids.add(p.pid());
      p.descendants().forEach(d -> pids.add(d.pid()));
    }
    return pids;
  }

  static Map<String, String> labels(Pod pod) {
    return pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
  }
}
