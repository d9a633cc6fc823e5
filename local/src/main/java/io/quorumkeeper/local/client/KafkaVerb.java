package io.quorumkeeper.local.client;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** {@code ./quorum-keeper kafka ...}: one of Kafka's tools against a cluster of the runtime. */
public final class KafkaVerb {

  private KafkaVerb() {}

  /** Runs the tool in this terminal; the tool's exit code. */
  public static int run(Path home, List<String> args) {
    // before the first logger: the Kubernetes client's notes (an alpha API version) are not the
    // tool's output
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    KafkaCommand command = KafkaCommand.parse(args);
    if (command.help()) {
      System.out.print(KafkaCommand.USAGE);
      return 0;
    }
    Path dir =
        Path.of(command.dir().orElse(home.resolve(".local-runtime").toString()))
            .toAbsolutePath()
            .normalize();
    Path hosts = command.hostsFile().map(Path::of).orElse(dir.resolve("hosts"));
    ToolLauncher launcher = new ToolLauncher(home, hosts);
    if (command.toolHelp()) {
      return launcher.runInTerminal(command, null);
    }
    try (KubernetesClient client = client(dir)) {
      return launcher.runInTerminal(command, config(client, command));
    }
  }

  /** The client config the command asks for: a listener's user, or the operator with --admin. */
  public static ClientConfig config(KubernetesClient client, KafkaCommand command) {
    GenericKubernetesResource cluster =
        ClientConfig.cluster(client, command.namespace(), command.cluster());
    return command.admin()
        ? ClientConfig.forAdmin(client, cluster)
        : ClientConfig.forListener(
            client, cluster, ClientConfig.listener(cluster, command.listener()));
  }

  /** A client of the runtime's API, from the kubeconfig it writes into its folder. */
  private static KubernetesClient client(Path dir) {
    Path kubeconfig = dir.resolve("kubeconfig");
    try {
      String text = Files.readString(kubeconfig);
      return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(text)).build();
    } catch (NoSuchFileException e) {
      throw new LocalRuntimeException(
          "no runtime is running on " + dir + " (start one with ./quorum-keeper local <file>)");
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot read " + kubeconfig + ": " + e.getMessage());
    }
  }
}
