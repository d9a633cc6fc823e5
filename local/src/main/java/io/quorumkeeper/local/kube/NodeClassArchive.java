package io.quorumkeeper.local.kube;

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
   * none or it is older than the jar ({@link ClassArchive#options}).
   */
  public static List<String> options(Path nodeJar) {
    return ClassArchive.options(nodeJar, nodeJar.toAbsolutePath().resolveSibling(FILE));
  }
}
