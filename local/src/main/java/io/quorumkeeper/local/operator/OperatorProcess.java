package io.quorumkeeper.local.operator;

import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.kube.CpuWeights;
import io.quorumkeeper.local.kube.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real operator, the packaged Quarkus application, in its own JVM, connected to the embedded
 * API exactly as it connects to a cluster (API server URL, no credentials) and restarted if it
 * exits, as its Deployment would be. Its log is {@code logs/operator.log} in the runtime folder.
 * Each start is weighted for {@code milliCpu}, the CPU its Deployment requests ({@link
 * CpuWeights}).
 */
public final class OperatorProcess implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorProcess.class);

  /**
   * Set through Fabric8's {@code KUBERNETES_USER_AGENT} (Quarkus builds its client config on
   * Fabric8's auto-configuration), so the API can tell the operator's requests from the runtime's.
   */
  public static final String USER_AGENT = "quorum-keeper-operator";

  /** The operator's name in its leader Lease (default/quorum-keeper-operator). */
  public static final String LEADER_IDENTITY = "local-operator";

  private final Path quarkusRunJar;
  private final String apiUrl;
  private final Path hostsFile;
  private final Path log;
  private final Path folder;
  private final List<String> jvmOptions;
  private final CpuWeights weights;
  private final long milliCpu;
  private final Processes processes;
  private volatile Process process;
  private volatile boolean stopping;
  private volatile int restarts;
  private volatile String lastExit;
  private Thread supervisor;

  public OperatorProcess(
      Path quarkusRunJar,
      String apiUrl,
      Path hostsFile,
      Path log,
      Path folder,
      List<String> jvmOptions,
      Processes processes,
      CpuWeights weights,
      long milliCpu) {
    this.quarkusRunJar = quarkusRunJar;
    this.apiUrl = apiUrl;
    this.hostsFile = hostsFile;
    this.log = log;
    this.folder = folder;
    this.jvmOptions = jvmOptions;
    this.processes = processes;
    this.weights = weights;
    this.milliCpu = milliCpu;
  }

  public void start() {
    if (!Files.isRegularFile(quarkusRunJar)) {
      throw new LocalRuntimeException(
          quarkusRunJar + " is missing: build it with ./mvnw -q -DskipTests package");
    }
    launch();
    supervisor = new Thread(this::supervise, "operator-supervisor");
    supervisor.setDaemon(true);
    supervisor.start();
  }

  private void launch() {
    List<String> command = new ArrayList<>();
    command.add(Processes.java().toString());
    command.addAll(jvmOptions);
    command.add("-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath());
    command.add("-Dsun.net.inetaddr.ttl=1");
    command.add("-Dsun.net.inetaddr.negative.ttl=0");
    command.add("-Dqk.local.folder=" + folder.toAbsolutePath());
    command.add("-jar");
    command.add(quarkusRunJar.toAbsolutePath().toString());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    Map<String, String> env = builder.environment();
    env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", apiUrl);
    env.put("QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS", "true");
    env.put("QUARKUS_KUBERNETES_CLIENT_NAMESPACE", "default");
    env.put("KUBERNETES_USER_AGENT", USER_AGENT);
    // Leader election on, as deployed: one name for every restart, so that a restarted operator
    // renews its own Lease at once instead of waiting for it to expire.
    env.put("QUORUMKEEPER_LEADER_ELECTION_IDENTITY", LEADER_IDENTITY);
    env.put("QUORUMKEEPER_LEADER_ELECTION_LEASE_NAMESPACE", "default");
    env.put("QUORUMKEEPER_OPERATOR_NAMESPACE", "default"); // as its Deployment's pod namespace
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("KUBECONFIG", folder.resolve("no-kubeconfig").toAbsolutePath().toString());
    env.remove("KUBERNETES_SERVICE_HOST");
    env.remove("KUBERNETES_MASTER");
    // Only loopback, and no fixed port that could clash with a pod's agent (8080).
    env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
    env.put("QUARKUS_HTTP_PORT", "0");
    env.put("QUARKUS_MANAGEMENT_ENABLED", "false");
    try {
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "=== quorum-keeper local: operator start (API " + apiUrl + ") ===\n",
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      process = builder.start();
      processes.started(process);
      weights.place("operator", process.pid(), milliCpu);
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot start the operator JVM: " + e.getMessage(), e);
    }
  }

  private void supervise() {
    Duration backoff = Duration.ofSeconds(1);
    while (!stopping) {
      Process p = process;
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        return;
      }
      processes.ended(p);
      if (stopping) {
        return;
      }
      restarts++;
      lastExit =
          "exited with code "
              + code
              + " at "
              + LocalTime.now().truncatedTo(ChronoUnit.SECONDS)
              + " (see "
              + log
              + ")";
      LOG.warn("the operator exited with code {}; restarting it (see {})", code, log);
      try {
        Thread.sleep(backoff.toMillis()); // a Deployment's restart backoff, not a test wait
      } catch (InterruptedException e) {
        return;
      }
      backoff =
          backoff.multipliedBy(2).compareTo(Duration.ofSeconds(10)) > 0
              ? Duration.ofSeconds(10)
              : backoff.multipliedBy(2);
      if (!stopping) {
        launch();
      }
    }
  }

  public long pid() {
    Process p = process;
    return p == null ? -1 : p.pid();
  }

  public int restarts() {
    return restarts;
  }

  /**
   * One line for the live view: running or not, and, once it has crashed, how often and the last
   * exit (a crash loop shows as a climbing count rather than as a silent table).
   */
  public String state() {
    String exits = lastExit == null ? "" : "; " + restarts + " restart(s), last " + lastExit;
    return (isAlive() ? "operator running (pid " + pid() + ")" : "operator not running") + exits;
  }

  public boolean isAlive() {
    Process p = process;
    return p != null && p.isAlive();
  }

  @Override
  public void close() {
    stopping = true;
    if (supervisor != null) {
      supervisor.interrupt();
    }
    Process p = process;
    if (p != null) {
      Processes.stop(p, Duration.ofSeconds(10));
      processes.ended(p);
    }
  }
}
