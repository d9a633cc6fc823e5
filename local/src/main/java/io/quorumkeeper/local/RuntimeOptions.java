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
 */
public record RuntimeOptions(
    Path home,
    Path folder,
    Path hostsFile,
    String net,
    int apiPort,
    List<String> nodeJvmOptions,
    List<String> operatorJvmOptions) {

  public static final List<String> SMALL_JVM =
      List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k");

  public static RuntimeOptions defaults(Path home, Path folder) {
    return new RuntimeOptions(
        home, folder, folder.resolve("hosts"), "127.0.10", 0, SMALL_JVM, SMALL_JVM);
  }

  public RuntimeOptions withHostsFile(Path file) {
    return new RuntimeOptions(home, folder, file, net, apiPort, nodeJvmOptions, operatorJvmOptions);
  }

  public RuntimeOptions withNet(String block) {
    return new RuntimeOptions(
        home, folder, hostsFile, block, apiPort, nodeJvmOptions, operatorJvmOptions);
  }

  public RuntimeOptions withApiPort(int port) {
    return new RuntimeOptions(
        home, folder, hostsFile, net, port, nodeJvmOptions, operatorJvmOptions);
  }

  /**
   * The operator JVM's options plus {@code extra}, e.g. operator settings as system properties
   * ({@code -Dquorumkeeper.tls.renew-before=8m}).
   */
  public RuntimeOptions withOperatorSettings(List<String> extra) {
    List<String> operator = new java.util.ArrayList<>(operatorJvmOptions);
    operator.addAll(extra);
    return new RuntimeOptions(
        home, folder, hostsFile, net, apiPort, nodeJvmOptions, List.copyOf(operator));
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
