package io.quorumkeeper.local.operator;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.LocalRuntimeException;
import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.kube.RuntimeLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The training run of the operator's class archive ({@link OperatorClassArchive}): the local
 * runtime with the packaged operator started with {@code -XX:ArchiveClassesAtExit}, one single-node
 * TLS cluster created and taken to Ready (the operator's start, its certificates, owned objects,
 * observation through the agents and Kafka's Admin client, the client grants and the status), then
 * the runtime stopped: the operator's JVM writes every class it loaded to the archive as it exits.
 *
 * <p>Usage: {@code OperatorClassArchiveTraining <repository root> <throwaway folder> <archive>}.
 * Uses the loopback block {@code 127.0.249} and a free port of 127.0.0.1. Exit code 0 once the
 * runtime has stopped, whether the cluster was Ready within {@link #DEADLINE} or not (the archive
 * then holds fewer classes; the build does not depend on it); 2 for wrong arguments.
 */
public final class OperatorClassArchiveTraining {

  static final Duration DEADLINE = Duration.ofMinutes(2);
  static final String NET = "127.0.249";

  private static final String CLUSTER =
      """
      apiVersion: quorumkeeper.io/v1alpha1
      kind: QuorumCluster
      metadata:
        name: training
        namespace: default
      spec:
        topology: Combined
        controllers:
          replicas: 1
      """;

  private OperatorClassArchiveTraining() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println(
          "usage: OperatorClassArchiveTraining <repository root> <throwaway folder> <archive>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath().normalize();
    Path folder = Path.of(args[1]).toAbsolutePath();
    Path archive = Path.of(args[2]).toAbsolutePath();
    try {
      System.out.println(train(home, folder, archive));
    } catch (Exception | Error e) {
      // the embedded API's threads would keep this JVM, and the build waiting on it, alive
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  /** One line saying how the training went. */
  static String train(Path home, Path folder, Path archive) throws IOException {
    Files.deleteIfExists(archive);
    RuntimeLayout.deleteTree(folder);
    RuntimeOptions options =
        RuntimeOptions.defaults(home, folder)
            .withNet(NET)
            .withOperatorSettings(
                List.of(
                    "-XX:ArchiveClassesAtExit=" + archive,
                    "-Xlog:cds=off",
                    "-Xlog:cds+dynamic=off"));
    boolean ready;
    try (LocalRuntime runtime = LocalRuntime.start(options)) {
      Path file = Files.writeString(folder.resolve("training.yaml"), CLUSTER);
      runtime.apply(file);
      ready = awaitReady(runtime);
    } catch (LocalRuntimeException e) {
      return "operator class archive training: skipped (" + e.getMessage() + ")";
    }
    return "operator class archive training: the cluster was "
        + (ready ? "Ready" : "not Ready within " + DEADLINE)
        + "; "
        + (Files.isRegularFile(archive)
            ? "wrote " + archive + " (" + Files.size(archive) / (1024 * 1024) + " MiB)"
            : "no archive was written");
  }

  private static boolean awaitReady(LocalRuntime runtime) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() - deadline < 0) {
      GenericKubernetesResource qc =
          QuorumClusters.of(runtime.client()).inNamespace("default").withName("training").get();
      if (qc != null && QuorumClusters.condition(qc, "Ready").filter("True"::equals).isPresent()) {
        return true;
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200); // a poll of the API, not a test's wait
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }
}
