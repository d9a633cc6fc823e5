package io.quorumkeeper.local;

import io.quorumkeeper.local.operator.OperatorClassArchive;
import java.nio.file.Path;
import java.util.List;

/**
 * How one local runtime is set up.
 *
 * @param home the repository root: where the built operator, quorum-node and CRD are
 * @param folder the runtime folder: API state, volumes, logs; a second start on it resumes
 * @param hostsFile the hosts file every JVM resolves pod and Service names with
 * @param net the loopback block pods get addresses from, {@code 127.A.B}
 * @param apiPort the embedded API's port on 127.0.0.1, 0 for any free one
 * @param nodeJvmOptions JVM options of every quorum-node process
 * @param operatorJvmOptions JVM options of the operator
 * @param cpuWeights whether the pods and the operator get the CPU weights a kubelet would give
 *     their CPU requests, where this machine allows it ({@code CpuWeights}); on by default
 */
public record RuntimeOptions(
    Path home,
    Path folder,
    Path hostsFile,
    String net,
    int apiPort,
    List<String> nodeJvmOptions,
    List<String> operatorJvmOptions,
    boolean cpuWeights) {

  public static final List<String> SMALL_JVM =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

  public static RuntimeOptions defaults(Path home, Path folder) {
    return new RuntimeOptions(
        home, folder, folder.resolve("hosts"), "127.0.10", 0, SMALL_JVM, SMALL_JVM, true);
  }

  public RuntimeOptions withHostsFile(Path file) {
    return new RuntimeOptions(
        home, folder, file, net, apiPort, nodeJvmOptions, operatorJvmOptions, cpuWeights);
  }

  public RuntimeOptions withNet(String block) {
    return new RuntimeOptions(
        home, folder, hostsFile, block, apiPort, nodeJvmOptions, operatorJvmOptions, cpuWeights);
  }

  public RuntimeOptions withApiPort(int port) {
    return new RuntimeOptions(
        home, folder, hostsFile, net, port, nodeJvmOptions, operatorJvmOptions, cpuWeights);
  }

  /**
   * The operator JVM's options plus {@code extra}, e.g. operator settings as system properties
   * ({@code -Dquorumkeeper.tls.renew-before=8m}).
   */
  public RuntimeOptions withOperatorSettings(List<String> extra) {
    List<String> operator = new java.util.ArrayList<>(operatorJvmOptions);
    operator.addAll(extra);
    return new RuntimeOptions(
        home, folder, hostsFile, net, apiPort, nodeJvmOptions, List.copyOf(operator), cpuWeights);
  }

  /**
   * The same runtime with every process weighing the same, whatever it requests (the comparison
   * {@code bench ready} prints beside the weighted figures).
   */
  public RuntimeOptions withoutCpuWeights() {
    return new RuntimeOptions(
        home, folder, hostsFile, net, apiPort, nodeJvmOptions, operatorJvmOptions, false);
  }

  /** The operator's Deployment: its CPU request is what the operator is weighted for. */
  public Path operatorDeployment() {
    return home.resolve("deploy/base/operator.yaml");
  }

  public Path crd() {
    return home.resolve("crds/quorumclusters.quorumkeeper.io-v1.yml");
  }

  public Path operatorJar() {
    return home.resolve("operator/target/quarkus-app/quarkus-run.jar");
  }

  /**
   * The operator's class archive, trained by the build of this module on a real creation ({@code
   * OperatorClassArchiveTraining}); used while it is newer than {@link #operatorJar()}.
   */
  public Path operatorClassArchive() {
    return home.resolve("local/target/" + OperatorClassArchive.FILE);
  }

  public Path nodeJar() {
    return home.resolve("quorum-node/target/quorum-node.jar");
  }

  public Path nodeLib() {
    return home.resolve("quorum-node/target/lib");
  }
}
