package io.quorumkeeper.local.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The class archive the build trained for a node jar ({@code quorum-node.jsa} beside {@code
 * quorum-node.jar}, docs/quorum-node.md "Start time"): the JVM maps the classes of a node's start
 * from it instead of loading them from the jars. Every node process the runtime and its benchmarks
 * start on that classpath gets it, Kafka's own (auto-join, the bare floor) too, so that a
 * comparison between them compares what they do, not how their JVMs start.
 */
public final class NodeClassArchive {

  static final String FILE = "quorum-node.jsa";

  private NodeClassArchive() {}

  /**
   * {@code -XX:SharedArchiveFile} of the archive beside {@code nodeJar}, or nothing when there is
   * none or it is older than the jar (the JVM would refuse it with a warning: it checks the jars'
   * times and sizes).
   */
  public static List<String> options(Path nodeJar) {
    Path archive = nodeJar.toAbsolutePath().resolveSibling(FILE);
    try {
      if (Files.isRegularFile(archive)
          && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(nodeJar))
              >= 0) {
        return List.of("-XX:SharedArchiveFile=" + archive);
      }
    } catch (IOException e) {
      // no archive: the node starts from its jars
    }
    return List.of();
  }
}
