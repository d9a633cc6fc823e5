package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import io.quorumkeeper.operator.model.ClusterIdentity;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.ModelSettings;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.observe.ClientTls;
import io.quorumkeeper.operator.observe.SecretClusterTrust;
import io.quorumkeeper.operator.quorum.QuorumSnapshot;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import io.quorumkeeper.operator.security.ClusterCertificates;
import io.quorumkeeper.operator.security.TlsSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;

/**
 * Runs a pool's pods as real quorum-node processes (the launcher from the quorum-node module's
 * build output) on loopback addresses 127.0.88.x, from the ConfigMap the operator's model renders:
 * what a kubelet would do with the StatefulSet, minus Kubernetes. The test JVM must resolve pod
 * names through {@link #HOSTS_FILE_PROPERTY}, which failsafe sets.
 */
public final class KraftNodes implements AutoCloseable {

  public static final String HOSTS_FILE_PROPERTY = "jdk.net.hosts.file";
  private static final String CLASSPATH_PROPERTY = "quorum.node.classpath";

  /** Pods a test may start beyond the example's replicas (a scale-up), with names that resolve. */
  public static final int GROWTH = 2;

  /** The bearer token every node's agent is started with. */
  public static final String AGENT_TOKEN = "kraft-test-token";

  private final Path root;
  private final Pool pool;
  private Optional<ClientTls> operatorTls = Optional.empty();
  private Map<String, String> caEntries = Map.of();
  private final Map<Integer, Process> running = new LinkedHashMap<>();

  /**
   * @param server the pool's {@code <pool>-config-<hash>} ConfigMap ({@code server.properties})
   * @param bootstrap the pool's {@code <pool>-bootstrap} ConfigMap ({@code bootstrap.properties});
   *     the pod sees both in one projected volume
   */
  public KraftNodes(Path root, QuorumCluster cr, Pool pool, ConfigMap server, ConfigMap bootstrap) {
    this.root = root;
    this.pool = pool;
    write(root.resolve("config/server.properties"), server.getData().get("server.properties"));
    write(
        root.resolve("config/bootstrap.properties"),
        bootstrap.getData().get("bootstrap.properties"));
    write(root.resolve("agent-token"), AGENT_TOKEN + "\n");
    StringBuilder hosts = new StringBuilder("127.0.0.1 localhost\n");
    for (int ordinal = 0; ordinal < pool.replicas() + GROWTH; ordinal++) {
      hosts.append(ip(ordinal)).append(' ').append(pool.podHost(ordinal)).append('\n');
    }
    write(hostsFile(), hosts.toString());
  }

  /**
   * Renders an example's first pool as cluster {@code kafka/<name>}, with fresh Kafka ids for the
   * cluster and the initial voters, exactly as the operator would, and starts none of its pods.
   */
  public static KraftNodes fromExample(Path root, String example, String name) throws IOException {
    return fromExample(root, example, name, Transport.Plaintext);
  }

  /**
   * As {@link #fromExample(Path, String, String)}, with the given transport; a TLS cluster gets its
   * CA and pod certificates exactly as the operator issues them, written where each pod's {@code
   * QK_TLS_DIR} points, and the operator's client material in {@link #operatorTls()}.
   */
  public static KraftNodes fromExample(Path root, String example, String name, Transport transport)
      throws IOException {
    QuorumCluster cr =
        Serialization.unmarshal(
            Files.readString(Path.of("../examples", example)), QuorumCluster.class);
    cr.getMetadata().setName(name);
    cr.getMetadata().setNamespace("kafka");
    cr.getMetadata().setUid(name + "-uid");
    List<VoterRef> voters = new ArrayList<>();
    for (int id = 0; id < cr.getSpec().getControllers().desiredVoters(); id++) {
      voters.add(new VoterRef(id, Uuid.randomUuid().toString()));
    }
    ClusterIdentity identity =
        new ClusterIdentity(Uuid.randomUuid().toString(), voters, false, transport);
    ClusterModel model =
        ClusterModel.from(
            cr, identity, new ModelSettings("quorum-keeper/quorum-node", "IfNotPresent"));
    // per pool: its server.properties ConfigMap, then its bootstrap.properties ConfigMap
    KraftNodes nodes =
        new KraftNodes(
            root, cr, model.pools().get(0), model.configMaps().get(0), model.configMaps().get(1));
    if (identity.tls()) {
      nodes.issueCertificates(cr, model.pools());
    }
    return nodes;
  }

  private void issueCertificates(QuorumCluster cr, List<Pool> pools) {
    ClusterCertificates.Outcome issued =
        new ClusterCertificates(TlsSettings.defaults())
            .reconcile(
                cr,
                pools,
                java.util.Set.of(),
                java.util.Map.of(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Instant.now());
    Secret ca = issued.ca().orElseThrow(() -> new IllegalStateException(issued.problem().get()));
    TlsSecretModel.entries(issued.tls().orElseThrow())
        .forEach((key, text) -> write(root.resolve("tls").resolve(key), text));
    operatorTls = SecretClusterTrust.fromSecret(ca);
    caEntries = TlsSecretModel.entries(ca);
  }

  /** The cluster CA of a TLS cluster, to issue certificates the operator would never issue. */
  public io.quorumkeeper.operator.security.ClusterCa ca() throws Exception {
    return io.quorumkeeper.operator.security.ClusterCa.load(
        caEntries.get(TlsSecretModel.CA_CERT), caEntries.get(TlsSecretModel.CA_KEY), Instant.now());
  }

  /** The operator's client certificate and the cluster CA, for a TLS cluster. */
  public Optional<ClientTls> operatorTls() {
    return operatorTls;
  }

  /** The CA and the key of a TLS cluster, to issue other certificates in tests. */
  public Path tlsDir() {
    return root.resolve("tls");
  }

  public Pool pool() {
    return pool;
  }

  /** The pod host of each node id of the example's pods, as the operator's agent calls use them. */
  public Map<Integer, String> podHosts() {
    Map<Integer, String> hosts = new java.util.TreeMap<>();
    for (int ordinal = 0; ordinal < pool.replicas(); ordinal++) {
      hosts.put(pool.nodeId(ordinal), pool.podHost(ordinal));
    }
    return hosts;
  }

  /**
   * Kafka's view with the pod names of every node id a test may start, as the operator builds it.
   */
  public QuorumSnapshot snapshot(String cluster, RaftQuorum raft) {
    Map<Integer, String> names = new java.util.HashMap<>();
    for (int ordinal = 0; ordinal < pool.replicas() + GROWTH; ordinal++) {
      names.put(pool.nodeId(ordinal), pool.podName(ordinal));
    }
    return new QuorumSnapshot(
        cluster, java.time.Instant.now(), java.util.Optional.of(raft), names, Map.of(), null);
  }

  public static Path hostsFile() {
    String file = System.getProperty(HOSTS_FILE_PROPERTY);
    if (file == null) {
      throw new IllegalStateException(
          "run *KraftTest through failsafe: it sets " + HOSTS_FILE_PROPERTY);
    }
    return Path.of(file);
  }

  public String ip(int ordinal) {
    return "127.0.88." + (ordinal + 1);
  }

  public void start(int ordinal) {
    String classpath = System.getProperty(CLASSPATH_PROPERTY);
    if (classpath == null
        || !Files.exists(Path.of(classpath.split(java.io.File.pathSeparator)[0]))) {
      throw new IllegalStateException(
          "build quorum-node first (./mvnw verify builds it before operator)");
    }
    String pod = pool.podName(ordinal);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.add("-D" + HOSTS_FILE_PROPERTY + "=" + hostsFile());
    command.addAll(List.of("-cp", classpath, "io.quorumkeeper.node.Launcher"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log(ordinal).toFile()));
    Map<String, String> env = builder.environment();
    env.put("POD_NAME", pod);
    env.put("POD_NAMESPACE", pool.namespace());
    env.put("POD_IP", ip(ordinal));
    env.put("QK_POD_HOST", pool.podHost(ordinal));
    env.put("QK_CONFIG_DIR", root.resolve("config").toString());
    env.put("QK_DATA_DIR", root.resolve("data").resolve(pod).toString());
    env.put("QK_TOKEN_FILE", root.resolve("agent-token").toString());
    env.put("QK_WORK_DIR", root.resolve("work").resolve(pod).toString());
    if (operatorTls.isPresent()) {
      env.put("QK_TLS_DIR", tlsDir().toString());
    }
    try {
      running.put(ordinal, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** kill -9, as a crashed node or a lost machine. */
  public void kill(int ordinal) {
    Process process = running.remove(ordinal);
    if (process != null) {
      destroy(process);
    }
  }

  /** SIGSTOP: the node is alive but silent, as a process stuck in a long GC pause. */
  public void freeze(int ordinal) {
    signal(ordinal, "-STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  public void thaw(int ordinal) {
    signal(ordinal, "-CONT");
  }

  private void signal(int ordinal, String signal) {
    Process process = running.get(ordinal);
    if (process == null) {
      return;
    }
    List<String> command = new ArrayList<>(List.of("kill", signal, String.valueOf(process.pid())));
    process.descendants().forEach(child -> command.add(String.valueOf(child.pid())));
    try {
      new ProcessBuilder(command).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the node's process runs (started and not killed). */
  public boolean running(int ordinal) {
    Process process = running.get(ordinal);
    return process != null && process.isAlive();
  }

  /** Empties the pod's volume, as a lost disk; the next start formats it afresh. */
  public void wipe(int ordinal) {
    Path data = root.resolve("data").resolve(pool.podName(ordinal));
    if (!Files.exists(data)) {
      return;
    }
    try (Stream<Path> files = Files.walk(data)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String tailOfLogs(int lines) {
    StringBuilder out = new StringBuilder();
    for (int ordinal = 0; ordinal < pool.replicas() + GROWTH; ordinal++) {
      try {
        List<String> all = Files.readAllLines(log(ordinal), StandardCharsets.UTF_8);
        out.append("==== ").append(pool.podName(ordinal)).append('\n');
        all.subList(Math.max(0, all.size() - lines), all.size())
            .forEach(l -> out.append(l).append('\n'));
      } catch (IOException e) {
        out.append("(no log for ").append(pool.podName(ordinal)).append(")\n");
      }
    }
    return out.toString();
  }

  private Path log(int ordinal) {
    Path log = root.resolve("logs").resolve(pool.podName(ordinal) + ".log");
    try {
      Files.createDirectories(log.getParent());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return log;
  }

  @Override
  public void close() {
    new ArrayList<>(running.keySet()).forEach(this::kill);
  }

  private static void destroy(Process process) {
    Stream<ProcessHandle> children = process.descendants();
    children.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
