package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quorumkeeper.local.InputException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for the kubelets of all nodes: each Pod in the API becomes a {@link PodContainer} (a
 * local process on the pod's loopback address), its status is written back, the hosts file follows
 * the pods, and the faults of the runtime reach the processes from here. A pod re-created under the
 * same name starts only after the previous incarnation's process has ended, as on one node.
 */
public final class Kubelet implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

  private final KubernetesClient client;
  private final KubernetesSerialization serialization;
  private final Addresses addresses;
  private final HostsFile hosts;
  private final Nodes nodes;
  private final Processes processes;
  private final CpuWeights weights;
  private final PodContainer.Launcher launcher;
  private final RuntimeLayout layout;
  private final Map<String, PodContainer> containers = new ConcurrentHashMap<>();
  private final Map<String, PodContainer> stopping = new ConcurrentHashMap<>();
  private final Map<String, String> writtenStatus = new ConcurrentHashMap<>();
  private final ExecutorService stopper = Executors.newCachedThreadPool(daemon("pod-stopper"));
  private final ScheduledExecutorService prober =
      Executors.newSingleThreadScheduledExecutor(daemon("pod-prober"));
  // one probe in flight per container at a time, each on its own thread, as a kubelet runs one
  // probe worker per container: a probe the agent holds (waitMs) delays no other pod's probe
  private final ExecutorService probes = Executors.newCachedThreadPool(daemon("pod-probe"));

  /** How often the prober looks for a due probe: a period's start is late by at most this. */
  static final Duration PROBE_TICK = Duration.ofMillis(50);

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  public Kubelet(
      KubernetesClient client,
      RuntimeLayout layout,
      Addresses addresses,
      HostsFile hosts,
      Nodes nodes,
      Processes processes,
      CpuWeights weights,
      PodContainer.Launcher launcher) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
    this.layout = layout;
    this.addresses = addresses;
    this.hosts = hosts;
    this.nodes = nodes;
    this.processes = processes;
    this.weights = weights;
    this.launcher = launcher;
    prober.scheduleWithFixedDelay(
        this::probeAll, PROBE_TICK.toMillis(), PROBE_TICK.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  public String addressOf(Pod pod) {
    return addresses.of(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
  }

  /** Whether the pod's Ready condition is True in the API. */
  public static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** One pass: hosts file, nodes, start and stop processes, write pod statuses. */
  public void sync(List<Pod> pods, List<Service> services) {
    List<Pod> live =
        pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    hosts.update(live, services, this::addressOf);
    for (Pod pod : live) {
      nodes.ensure(pod.getSpec().getNodeName(), addressOf(pod));
    }
    Map<String, Pod> byKey = new ConcurrentHashMap<>();
    live.forEach(p -> byKey.put(key(p), p));
    for (Map.Entry<String, PodContainer> e : List.copyOf(containers.entrySet())) {
      Pod pod = byKey.get(e.getKey());
      PodContainer c = e.getValue();
      boolean gone = pod == null || !pod.getMetadata().getUid().equals(c.uid());
      if (gone && !nodes.isDown(c.pod().getSpec().getNodeName())) {
        containers.remove(e.getKey());
        stopping.put(e.getKey(), c);
        writtenStatus.remove(c.uid());
        stopper.submit(
            () -> {
              LOG.info("pod {}: deleted, stopping its process", c.name());
              c.stop();
            });
      }
    }
    stopping.entrySet().removeIf(e -> e.getValue().ended());
    for (Pod pod : live) {
      String k = key(pod);
      if (containers.containsKey(k) || stopping.containsKey(k)) {
        continue;
      }
      if (nodes.isDown(pod.getSpec().getNodeName())) {
        continue; // the node's kubelet is down: the pod stays Pending until node-up
      }
      PodContainer c =
          new PodContainer(
              pod, addressOf(pod), launcher, processes, weights, () -> claimDirs(pod), http);
      containers.put(k, c);
      c.start();
    }
    for (Pod pod : live) {
      PodContainer c = containers.get(key(pod));
      if (c != null && c.uid().equals(pod.getMetadata().getUid())) {
        writeStatus(pod, c);
      }
    }
  }

  private List<Path> claimDirs(Pod pod) {
    List<Path> dirs = new ArrayList<>();
    pod.getSpec().getVolumes().stream()
        .filter(v -> v.getPersistentVolumeClaim() != null)
        .forEach(
            v ->
                dirs.add(
                    layout.claimDir(
                        pod.getMetadata().getNamespace(),
                        v.getPersistentVolumeClaim().getClaimName())));
    return dirs;
  }

  /**
   * Starts a probe of every container that has none in flight (the probe itself decides whether one
   * is due, per its period); a container whose readiness changed gets its pod status written at
   * once, as a kubelet's status manager does, rather than at the next controller pass.
   */
  private void probeAll() {
    for (PodContainer c : containers.values()) {
      if (c.startProbing()) {
        try {
          probes.execute(
              () -> {
                try {
                  probeOne(c);
                } finally {
                  c.probingEnded();
                }
              });
        } catch (java.util.concurrent.RejectedExecutionException e) {
          c.probingEnded(); // closing
        }
      }
    }
  }

  private void probeOne(PodContainer c) {
    try {
      if (c.probe()) {
        Pod pod =
            client
                .pods()
                .inNamespace(c.pod().getMetadata().getNamespace())
                .withName(c.name())
                .get();
        if (pod != null && c.uid().equals(pod.getMetadata().getUid())) {
          writeStatus(pod, c);
        }
      }
    } catch (RuntimeException e) {
      LOG.debug("probe of {} failed: {}", c.name(), e.getMessage());
    }
  }

  private void writeStatus(Pod pod, PodContainer c) {
    if (c.isNodeDown()) {
      // the node's kubelet is silent; the node lifecycle controller marks the pod not ready
      markNotReady(pod);
      return;
    }
    PodStatus status = PodStatuses.of(pod, c.ip(), c.snapshot(), Instant.now());
    String signature = PodStatuses.signature(status);
    if (signature.equals(PodStatuses.signature(pod.getStatus()))
        || signature.equals(writtenStatus.get(c.uid()))) {
      return;
    }
    Pod copy = serialization.clone(pod);
    copy.setStatus(status);
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
      writtenStatus.put(c.uid(), signature);
    } catch (KubernetesClientException e) {
      LOG.debug("pod {}: status write failed ({}), retried next pass", c.name(), e.getCode());
    }
  }

  private void markNotReady(Pod pod) {
    if (!isReady(pod)) {
      return;
    }
    Pod copy = serialization.clone(pod);
    copy.getStatus().getConditions().stream()
        .filter(cond -> "Ready".equals(cond.getType()) || "ContainersReady".equals(cond.getType()))
        .forEach(
            cond -> {
              cond.setStatus("False");
              cond.setReason("NodeNotReady");
              cond.setLastTransitionTime(Instant.now().toString());
            });
    copy.getStatus().getContainerStatuses().forEach(cs -> cs.setReady(false));
    try {
      client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(copy).updateStatus();
      // The ready status written before the node went down is no longer what the API holds: once
      // the node is back, that same status must be written again.
      writtenStatus.remove(pod.getMetadata().getUid());
    } catch (KubernetesClientException e) {
      LOG.debug("pod {}: status write failed, retried next pass", pod.getMetadata().getName());
    }
  }

  /** The container of {@code namespace/pod}, or an input error naming the running pods. */
  public PodContainer container(String namespace, String pod) {
    PodContainer c = containers.get(namespace + "/" + pod);
    if (c == null) {
      throw new InputException(
          "no running pod "
              + pod
              + " in namespace "
              + namespace
              + "; pods: "
              + containers.values().stream().map(PodContainer::name).sorted().toList());
    }
    return c;
  }

  public Optional<PodContainer> find(String namespace, String pod) {
    return Optional.ofNullable(containers.get(namespace + "/" + pod));
  }

  public void kill(String namespace, String pod) {
    container(namespace, pod).kill();
  }

  public void wipe(String namespace, String pod) {
    container(namespace, pod).wipe();
  }

  public void freeze(String namespace, String pod) {
    container(namespace, pod).freeze();
  }

  public void thaw(String namespace, String pod) {
    container(namespace, pod).thaw();
  }

  public void nodeDown(String namespace, String pod) {
    PodContainer c = container(namespace, pod);
    nodes.setDown(c.pod().getSpec().getNodeName(), true);
    c.nodeDown();
  }

  public void nodeUp(String namespace, String pod) {
    String node = Nodes.nodeFor(namespace, pod);
    nodes.setDown(node, false);
    find(namespace, pod).ifPresent(PodContainer::nodeUp);
  }

  /** Pids of every process the kubelet runs now. */
  public List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    containers.values().forEach(c -> pids.addAll(c.pids()));
    stopping.values().forEach(c -> pids.addAll(c.pids()));
    return pids;
  }

  public Collection<PodContainer> containers() {
    return containers.values();
  }

  /** Stops every process, in parallel, and waits for all of them. */
  @Override
  public void close() {
    prober.shutdownNow();
    probes.shutdownNow();
    List<PodContainer> all = new ArrayList<>(containers.values());
    all.addAll(stopping.values());
    containers.clear();
    all.forEach(c -> c.nodeUp()); // a frozen or partitioned process must be able to die
    List<Thread> stops = new ArrayList<>();
    for (PodContainer c : all) {
      Thread t = new Thread(c::stop, "stop-" + c.name());
      t.start();
      stops.add(t);
    }
    for (Thread t : stops) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    stopper.shutdownNow();
  }
}
