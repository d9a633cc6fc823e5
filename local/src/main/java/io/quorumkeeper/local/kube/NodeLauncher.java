package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a pod's container as {@code java ... io.quorumkeeper.node.Launcher} (the quorum-node
 * image's entry point) with the pod's environment, a clean process environment otherwise, and its
 * output appended to the pod's log.
 *
 * <p>The classpath is the pod's Kafka version, as its image tag names it ({@code
 * quorum-keeper/quorum-node:4.3.1}): {@code kafka-<tag>/quorum-node.jar} and {@code
 * kafka-<tag>/lib/*} beside the node jar where the build laid out that version (the
 * quorum-node-kafka-4.3.1 module), else the node jar and lib of the build's own Kafka.
 */
public final class NodeLauncher implements PodContainer.Launcher {

  private final KubernetesClient client;
  private final RuntimeLayout layout;
  private final PodLaunch podLaunch;
  private final Path nodeJar;
  private final String classpath;
  private final List<String> jvmOptions;
  private final Path hostsFile;

  public NodeLauncher(
      KubernetesClient client,
      RuntimeLayout layout,
      Path nodeJar,
      Path nodeLib,
      List<String> jvmOptions,
      Path hostsFile) {
    this.client = client;
    this.layout = layout;
    this.podLaunch = new PodLaunch(layout);
    this.nodeJar = nodeJar;
    this.classpath = nodeJar.toAbsolutePath() + ":" + nodeLib.toAbsolutePath() + "/*";
    this.jvmOptions = jvmOptions;
    this.hostsFile = hostsFile;
  }

  /** The classpath of the Kafka version the image's tag names; the build's own when none. */
  String classpath(String image) {
    String tag = tag(image);
    if (tag != null) {
      Path dir = nodeJar.toAbsolutePath().getParent().resolve("kafka-" + tag);
      if (Files.isRegularFile(dir.resolve("quorum-node.jar"))) {
        return dir.resolve("quorum-node.jar") + ":" + dir.resolve("lib") + "/*";
      }
    }
    return classpath;
  }

  /**
   * {@code -cp} with the classpath of the image's Kafka version, after the class archive the build
   * trained for that classpath if there is one ({@link NodeClassArchive}).
   */
  List<String> classpathOptions(String image) {
    String podClasspath = classpath(image);
    List<String> options =
        new ArrayList<>(NodeClassArchive.options(Path.of(podClasspath.split(":")[0])));
    options.add("-cp");
    options.add(podClasspath);
    return options;
  }

  /** The tag of an image reference ({@code repo/name:4.4.0} → {@code 4.4.0}), or null. */
  static String tag(String image) {
    if (image == null) {
      return null;
    }
    String reference = image.contains("@") ? image.substring(0, image.indexOf('@')) : image;
    int colon = reference.lastIndexOf(':');
    return colon > reference.lastIndexOf('/') ? reference.substring(colon + 1) : null;
  }

  @Override
  public ProcessBuilder prepare(Pod pod, String ip) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Map<String, Path> mounts = podLaunch.prepareVolumes(client, pod);
    Map<String, String> podEnv = PodLaunch.environment(pod, ip, mounts);
    List<String> command = new ArrayList<>();
    command.add(Processes.java().toString());
    command.addAll(jvmOptions);
    command.add("-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath());
    command.add("-Dsun.net.inetaddr.ttl=1");
    command.add("-Dsun.net.inetaddr.negative.ttl=0");
    command.add("-Dqk.local.folder=" + layout.root().toAbsolutePath());
    List<String> classpathOptions = classpathOptions(PodLaunch.container(pod).getImage());
    command.addAll(classpathOptions);
    command.add("io.quorumkeeper.node.Launcher");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    String path = env.get("PATH");
    env.clear();
    env.put("PATH", path == null ? "/usr/bin:/bin" : path);
    env.put("LANG", "C.UTF-8");
    env.putAll(podEnv);
    Path work = layout.podDir(ns, name).resolve("work");
    env.put("QK_WORK_DIR", work.toAbsolutePath().toString());
    Path log = layout.podLog(ns, name);
    try {
      Files.createDirectories(work);
      Files.createDirectories(log.getParent());
      Files.writeString(
          log,
          "=== quorum-keeper local: start of pod "
              + name
              + " on "
              + ip
              + " at "
              + Instant.now()
              + " on "
              + String.join(" ", classpathOptions)
              + " ===\n",
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.directory(work.toFile());
    return builder;
  }
}
