package io.quorumkeeper.local.kube;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where things live in the runtime folder: one directory per PVC under {@code volumes/} (the data,
 * kept across pod restarts and runtime restarts), per-pod scratch under {@code pods/}, one log per
 * pod under {@code logs/} (appended across restarts, like {@code kubectl logs --previous} and the
 * current one together).
 */
public record RuntimeLayout(Path root) {

  public Path claimDir(String namespace, String claim) {
    return root.resolve("volumes").resolve(namespace).resolve(claim);
  }

  public Path podDir(String namespace, String pod) {
    return root.resolve("pods").resolve(namespace).resolve(pod);
  }

  public Path podLog(String namespace, String pod) {
    return root.resolve("logs").resolve(namespace).resolve(pod + ".log");
  }

  public Path operatorLog() {
    return root.resolve("logs").resolve("operator.log");
  }

  public Path runtimeLog() {
    return root.resolve("logs").resolve("runtime.log");
  }

  public Path apiState() {
    return root.resolve("api-state.json");
  }

  public Path addresses() {
    return root.resolve("addresses.properties");
  }

  public Path controlPort() {
    return root.resolve("control.port");
  }

  public Path lock() {
    return root.resolve("runtime.lock");
  }

  public Path pids() {
    return root.resolve("pids");
  }

  public Path kubeconfig() {
    return root.resolve("kubeconfig");
  }

  /**
   * Writes {@code content} to {@code file} whole: into a sibling first, then moved over it, so that
   * another process (kubectl reading the kubeconfig, {@code ./quorum-keeper kill} reading the
   * control port) never reads it empty or half written.
   */
  public static void writeWhole(Path file, String content) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Deletes {@code dir} and everything in it; nothing when it does not exist. */
  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
