package io.quorumkeeper.local.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A class archive the build trained for a jar: the JVM maps the classes of a start from it instead
 * of loading them from the jars ({@link NodeClassArchive} for the nodes, {@code
 * OperatorClassArchive} for the operator).
 */
public final class ClassArchive {

  private ClassArchive() {}

  /**
   * {@code -XX:SharedArchiveFile} of {@code archive}, or nothing when there is none or it is older
   * than {@code jar} (the JVM would refuse it with a warning: it checks the jars' times and sizes).
   */
  public static List<String> options(Path jar, Path archive) {
    try {
      if (Files.isRegularFile(archive)
          && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) >= 0) {
        return List.of("-XX:SharedArchiveFile=" + archive.toAbsolutePath());
      }
    } catch (IOException e) {
      // no archive: the JVM starts from its jars
    }
    return List.of();
  }
}
