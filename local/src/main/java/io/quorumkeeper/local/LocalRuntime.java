package io.quorumkeeper.local;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quorumkeeper.local.api.ApiRequests;
import io.quorumkeeper.local.api.ApiServer;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.api.ResourceFiles;
import io.quorumkeeper.local.api.StateStore;
import io.quorumkeeper.local.kube.Addresses;
import io.quorumkeeper.local.kube.ChangeNudge;
import io.quorumkeeper.local.kube.CpuWeights;
import io.quorumkeeper.local.kube.GarbageCollector;
import io.quorumkeeper.local.kube.HostsFile;
import io.quorumkeeper.local.kube.Kubelet;
import io.quorumkeeper.local.kube.NodeLauncher;
import io.quorumkeeper.local.kube.Nodes;
import io.quorumkeeper.local.kube.Processes;
import io.quorumkeeper.local.kube.RuntimeLayout;
import io.quorumkeeper.local.kube.StatefulSetController;
import io.quorumkeeper.local.operator.OperatorClassArchive;
import io.quorumkeeper.local.operator.OperatorProcess;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator on one machine without Kubernetes (docs/design.md section 7): an embedded API, the
 * real operator JVM, and stand-ins for the StatefulSet controller, the garbage collector and the
 * kubelet that realize pods as quorum-node processes on loopback addresses. One instance per
 * runtime folder; closing it ends every process it started and saves the API's objects, so the next
 * start on the same folder resumes the same cluster.
 */
public final class LocalRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalRuntime.class);

  /** The User-Agent of the operator's API requests, as the operator's Deployment would set it. */
  public static final String OPERATOR_AGENT = OperatorProcess.USER_AGENT;

  private final RuntimeOptions options;
  private final RuntimeLayout layout;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Processes processes;
  private final ResourceFiles files;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ScheduledExecutorService loop;
  private ChangeNudge nudge;
  private ApiServer api;
  private KubernetesClient controllerClient;
  private StateStore state;
  private Kubelet kubelet;
  private CpuWeights weights = CpuWeights.off("not started");
  private StatefulSetController statefulSets;
  private GarbageCollector garbage;
  private OperatorProcess operator;

  private LocalRuntime(RuntimeOptions options, FileChannel lockChannel, FileLock lock) {
    this.options = options;
    this.layout = new RuntimeLayout(options.folder());
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.processes =
        new Processes(layout.pids(), "-Dqk.local.folder=" + options.folder().toAbsolutePath());
    this.files = ResourceFiles.forCrd(options.crd());
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "local-controllers");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts everything; on any failure, what was started is stopped again. */
  public static LocalRuntime start(RuntimeOptions options) {
    checkBuilt(options);
    Path folder = options.folder().toAbsolutePath();
    FileChannel channel;
    FileLock lock;
    try {
      Files.createDirectories(folder.resolve("logs"));
      channel =
          FileChannel.open(
              folder.resolve("runtime.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      lock = channel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      throw new LocalRuntimeException(
          "cannot lock the runtime folder " + folder + ": " + e.getMessage());
    }
    if (lock == null) {
      throw new LocalRuntimeException(
          "another quorum-keeper runtime is using "
              + folder
              + "; stop it first or pass another --dir");
    }
    LocalRuntime runtime = new LocalRuntime(options, channel, lock);
    try {
      runtime.startParts();
      return runtime;
    } catch (RuntimeException e) {
      runtime.close();
      throw e;
    }
  }

  private static void checkBuilt(RuntimeOptions o) {
    for (Path p : List.of(o.crd(), o.operatorJar(), o.nodeJar(), o.nodeLib())) {
      if (!Files.exists(p)) {
        throw new LocalRuntimeException(
            p
                + " is missing: build with ./mvnw -q -DskipTests package (./quorum-keeper does it for you)");
      }
    }
  }

  private void startParts() {
    int leftovers = processes.endLeftovers();
    if (leftovers > 0) {
      LOG.warn("ended {} processes a previous run of this folder left behind", leftovers);
    }
    api = ApiServer.start(options.apiPort(), options.crd());
    writeKubeconfig();
    state = new StateStore(layout.apiState());
    int restored = state.load(api.client());
    if (restored > 0) {
      LOG.info("restored {} objects from {}", restored, layout.apiState());
    }
    controllerClient = api.newClient("quorum-keeper-local-controllers");
    Addresses addresses = new Addresses(layout.addresses(), options.net());
    HostsFile hosts = new HostsFile(options.hostsFile());
    hosts.update(List.of(), List.of(), p -> "");
    Nodes nodes = new Nodes(controllerClient);
    weights =
        options.cpuWeights()
            ? CpuWeights.onThisMachine(options.net())
            : CpuWeights.off("turned off for this runtime");
    LOG.info("{}", weights.describe());
    kubelet =
        new Kubelet(
            controllerClient,
            layout,
            addresses,
            hosts,
            nodes,
            processes,
            weights,
            new NodeLauncher(
                controllerClient,
                layout,
                options.nodeJar(),
                options.nodeLib(),
                options.nodeJvmOptions(),
                options.hostsFile()));
    statefulSets = new StatefulSetController(controllerClient, Kubelet::isReady);
    garbage = new GarbageCollector(controllerClient);
    loop.scheduleWithFixedDelay(this::safePass, 0, 500, TimeUnit.MILLISECONDS);
    nudge = new ChangeNudge(loop, this::safePass).watching(controllerClient);
    loop.scheduleWithFixedDelay(this::collectAndSave, 2, 2, TimeUnit.SECONDS);
    operator =
        new OperatorProcess(
            options.operatorJar(),
            api.url(),
            options.hostsFile(),
            layout.operatorLog(),
            options.folder(),
            OperatorClassArchive.jvmOptions(options),
            processes,
            weights,
            operatorMilliCpu());
    operator.start();
    LOG.info("runtime up: API {}, folder {}", api.url(), options.folder().toAbsolutePath());
    LOG.info("kubectl: KUBECONFIG={} kubectl get qc", layout.kubeconfig().toAbsolutePath());
  }

  /**
   * The CPU the operator's Deployment requests (deploy/base/operator.yaml), which a kubelet weighs
   * it by; 0 (the least weight) when the file cannot be read.
   */
  private long operatorMilliCpu() {
    try (var in = Files.newInputStream(options.operatorDeployment())) {
      return controllerClient.load(in).items().stream()
          .filter(Deployment.class::isInstance)
          .map(Deployment.class::cast)
          .mapToLong(d -> CpuWeights.milliCpu(d.getSpec().getTemplate().getSpec().getContainers()))
          .findFirst()
          .orElse(0);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "cannot read the operator's CPU request from {}: {}",
          options.operatorDeployment(),
          e.getMessage());
      return 0;
    }
  }

  private void safePass() {
    if (closed.get()) {
      return;
    }
    try {
      // Lists, not informers' caches: the mock API can leave a watch silent after a burst of writes
      // (see docs/adr/005-local-runtime.md); a list every half second of a handful of objects is
      // cheap. Watches only nudge a pass sooner (ChangeNudge).
      KubernetesClient c = controllerClient;
      List<Pod> pods = c.pods().inAnyNamespace().list().getItems();
      statefulSets.sync(
          c.apps().statefulSets().inAnyNamespace().list().getItems(),
          pods,
          c.persistentVolumeClaims().inAnyNamespace().list().getItems());
      kubelet.sync(
          c.pods().inAnyNamespace().list().getItems(),
          c.services().inAnyNamespace().list().getItems());
    } catch (KubernetesClientException e) {
      LOG.debug("controller pass failed, retried: {}", e.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("controller pass failed, retried", e);
    }
  }

  private void collectAndSave() {
    if (closed.get()) {
      return;
    }
    try {
      garbage.collect();
      state.save(api.client());
    } catch (RuntimeException e) {
      LOG.debug("garbage collection or state save failed, retried: {}", e.getMessage());
    }
  }

  private void writeKubeconfig() {
    String config =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: quorum-keeper-local
          cluster: {server: "%s"}
        users:
        - name: local
          user: {}
        contexts:
        - name: quorum-keeper-local
          context: {cluster: quorum-keeper-local, user: local, namespace: default}
        current-context: quorum-keeper-local
        """
            .formatted(api.kubectlUrl());
    try {
      RuntimeLayout.writeWhole(layout.kubeconfig(), config);
    } catch (IOException e) {
      LOG.warn("could not write {}: {}", layout.kubeconfig(), e.getMessage());
    }
  }

  // ---- what users and tests do ----

  public KubernetesClient client() {
    return api.client();
  }

  /** How this runtime weighs its processes' CPU, or why it does not. */
  public CpuWeights cpuWeights() {
    return weights;
  }

  public RuntimeOptions options() {
    return options;
  }

  public RuntimeLayout layout() {
    return layout;
  }

  public String apiUrl() {
    return api.url();
  }

  public ResourceFiles files() {
    return files;
  }

  /** Creates or updates (spec, labels, annotations) every QuorumCluster in the file. */
  public List<GenericKubernetesResource> apply(Path file) {
    return apply(files.read(file));
  }

  /** Creates or updates each resource ({@link QuorumClusters#apply}). */
  public List<GenericKubernetesResource> apply(List<GenericKubernetesResource> resources) {
    return QuorumClusters.apply(client(), resources);
  }

  /** Deletes a QuorumCluster; the garbage collector removes what it owns. */
  public boolean delete(String namespace, String name) {
    return !QuorumClusters.of(client()).inNamespace(namespace).withName(name).delete().isEmpty();
  }

  /**
   * Counts of the requests the embedded API served (the operator's carry {@link #OPERATOR_AGENT}).
   */
  public ApiRequests apiRequests() {
    return api.requests();
  }

  public Kubelet kubelet() {
    return kubelet;
  }

  /** The operator process's state in one line, for the live view. */
  public String operatorState() {
    return operator == null ? "operator not started" : operator.state();
  }

  public long operatorPid() {
    return operator == null ? -1 : operator.pid();
  }

  /** Every process this runtime runs now: the operator and each pod's. */
  public List<Long> pids() {
    List<Long> all = new ArrayList<>();
    if (operator != null && operator.isAlive()) {
      all.add(operator.pid());
    }
    if (kubelet != null) {
      all.addAll(kubelet.pids());
    }
    return all;
  }

  /**
   * Stops the operator first (it must not react to pods going away), then every pod, then saves.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (nudge != null) {
      nudge.close();
    }
    loop.shutdownNow();
    if (operator != null) {
      operator.close();
    }
    if (kubelet != null) {
      kubelet.close();
    }
    weights.close();
    if (state != null && api != null) {
      try {
        state.save(api.client());
      } catch (RuntimeException e) {
        LOG.warn("could not save the API state: {}", e.getMessage());
      }
    }
    if (controllerClient != null) {
      controllerClient.close();
    }
    if (api != null) {
      api.close();
    }
    try {
      lock.release();
      lockChannel.close();
    } catch (IOException e) {
      // the lock goes with the process anyway
    }
  }
}
