package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.local.RuntimeOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator's class archive the build trained ({@code target/operator.jsa},
 * docs/local-runtime.md "The operator's class archive") holds the classes of a real creation of a
 * TLS cluster, and the runtime's operator JVM maps its classes from it rather than loading them
 * from the jars.
 */
class OperatorClassArchiveE2ETest {

  /** In the runtime's folder, which the extension empties first: no earlier run's lines. */
  private static final Path CLASS_LOG =
      LocalRuntimeExtension.E2E_DIR.resolve("operator-class-archive/logs/operator-classes.log");

  @RegisterExtension
  static final LocalRuntimeExtension LOCAL =
      new LocalRuntimeExtension(
          "operator-class-archive", "127.0.37", List.of("-Xlog:class+load=info:file=" + CLASS_LOG));

  @Test
  void theArchiveHoldsTheClassesOfACreationWithTls() throws Exception {
    RuntimeOptions options = LOCAL.options();
    assertThat(options.operatorClassArchive()).as("the archive the build trained").isRegularFile();

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(RuntimeOptions.SMALL_JVM);
    command.add("-XX:SharedArchiveFile=" + options.operatorClassArchive());
    command.add("-XX:+PrintSharedArchiveAndExit");
    command.addAll(List.of("-jar", options.operatorJar().toString()));
    Path out = Files.createTempFile("operator-archive", ".txt");
    Process listing =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(listing.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String listed = Files.readString(out, StandardCharsets.UTF_8);
    Files.delete(out);

    assertThat(listing.exitValue()).as(tail(listed)).isZero();
    assertThat(listed)
        .contains("archive is valid")
        .contains(
            " io.quorumkeeper.operator.config.OperatorMain ", // the operator's start
            " io.quorumkeeper.operator.reconcile.QuorumClusterReconciler ", // its reconcile
            " io.quorumkeeper.operator.security.ClusterCertificates ", // the TLS material
            " org.bouncycastle.cert.X509v3CertificateBuilder ",
            " io.quorumkeeper.operator.observe.AdminQuorumClient ", // the observation
            " org.apache.kafka.clients.admin.KafkaAdminClient ",
            " io.quorumkeeper.operator.observe.ClientGrantWriter "); // the grants before Ready
  }

  @Test
  void theRuntimesOperatorMapsItsClassesFromTheArchive() throws IOException {
    await()
        .atMost(Duration.ofMinutes(1))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(classLog())
                    .contains(
                        "io.quorumkeeper.operator.config.OperatorMain source: shared objects file"
                            + " (top)"));
    assertThat(logOf(LOCAL.runtime().layout().operatorLog()))
        .doesNotContain("Unable to use shared archive");
  }

  private static String classLog() throws IOException {
    return Files.exists(CLASS_LOG) ? Files.readString(CLASS_LOG, StandardCharsets.UTF_8) : "";
  }

  private static String logOf(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }

  private static String tail(String text) {
    return text.length() <= 2000 ? text : text.substring(text.length() - 2000);
  }
}
