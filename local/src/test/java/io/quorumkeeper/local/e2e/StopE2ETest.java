package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quorumkeeper.local.api.ApiServer;
import io.quorumkeeper.local.api.QuorumClusters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The command as a user runs it, in its own JVM: once its cluster is Ready, stopping it (SIGTERM,
 * which runs the same shutdown hook as Ctrl-C's SIGINT) ends every process it started, and exit
 * code 2 for a file that is not valid YAML.
 */
class StopE2ETest {

  private static final Path DIR = LocalRuntimeExtension.E2E_DIR.resolve("stop");

  @Test
  void givenRunningCommandWithReadyCluster_whenStopped_thenNoProcessItStartedRemains()
      throws Exception {
    LocalRuntimeExtension.deleteTree(DIR);
    java.nio.file.Files.createDirectories(LocalRuntimeExtension.E2E_DIR);
    Process command =
        command(
                "local",
                Path.of("src/test/resources/single.yaml").toAbsolutePath().toString(),
                "--dir",
                DIR.toString(),
                "--net",
                "127.0.38",
                "--hosts-file",
                DIR.resolve("hosts").toString(),
                "--no-view")
            .redirectOutput(LocalRuntimeExtension.E2E_DIR.resolve("stop.out").toFile())
            .start();
    List<ProcessHandle> started;
    try {
      try (KubernetesClient client = clientOf(DIR)) {
        await()
            .atMost(LocalRuntimeExtension.READY_TIMEOUT)
            .ignoreExceptions()
            .until(
                () ->
                    QuorumClusters.condition(
                            QuorumClusters.of(client).inNamespace("default").withName("solo").get(),
                            "Ready")
                        .filter("True"::equals)
                        .isPresent());
      }
      started = new ArrayList<>(command.descendants().toList());
      assertThat(started).hasSizeGreaterThanOrEqualTo(2); // the operator and the node
    } catch (RuntimeException | AssertionError e) {
      // nothing of this command may outlive a failure here: the next class's runtime would find
      // its addresses and ports taken
      command.descendants().forEach(ProcessHandle::destroyForcibly);
      command.destroyForcibly();
      throw e;
    }

    command.destroy(); // SIGTERM

    assertThat(command.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(started).noneMatch(ProcessHandle::isAlive));
    assertThat(DIR.resolve("control.port")).doesNotExist();
    assertThat(Files.readString(DIR.resolve("pids")).isBlank()).isTrue();
  }

  @Test
  void givenMalformedYaml_whenStarted_thenOneLineErrorAndExitCode2() throws Exception {
    Path bad = Files.createTempFile("bad", ".yaml");
    Files.writeString(bad, "apiVersion: quorumkeeper.io/v1alpha1\nkind: [QuorumCluster\n");
    Process command =
        command("local", bad.toString(), "--dir", DIR.resolve("bad").toString()).start();

    assertThat(command.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(command.exitValue()).isEqualTo(2);
    String stderr = new String(command.getErrorStream().readAllBytes()).strip();
    assertThat(stderr.lines()).hasSize(1);
    assertThat(stderr).startsWith("error: " + bad + ": not valid YAML");
  }

  private static ProcessBuilder command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.add("-Dquorumkeeper.home=" + LocalRuntimeExtension.HOME);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("io.quorumkeeper.local.Main");
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd);
  }

  private static final Pattern SERVER =
      Pattern.compile("server: \"(http://127\\.0\\.0\\.1:\\d+)\"");

  /** A client of the API whose URL the command's kubeconfig names, once it names one. */
  private static KubernetesClient clientOf(Path dir) {
    Path kubeconfig = dir.resolve("kubeconfig");
    String url =
        await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () -> {
                  Matcher m = SERVER.matcher(Files.readString(kubeconfig));
                  return m.find() ? m.group(1) : null;
                },
                java.util.Objects::nonNull);
    return new KubernetesClientBuilder().withConfig(ApiServer.clientConfig(url, "e2e")).build();
  }
}
