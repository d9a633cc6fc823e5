package io.quorumkeeper.node.storage;

import io.quorumkeeper.node.LaunchException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The identity Kafka's formatter wrote into a log directory's {@code meta.properties}. Read only:
 * the launcher never writes or edits this file.
 *
 * @param directoryId {@code null} when the file predates directory ids
 */
public record MetaProperties(String clusterId, int nodeId, String directoryId) {

  public static final String FILE_NAME = "meta.properties";

  /** The file in {@code logDir}, or empty when the directory is not formatted. */
  public static Optional<MetaProperties> read(Path logDir) {
    Path file = logDir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw unreadable(file, e.getMessage());
    }
    String clusterId = props.getProperty("cluster.id");
    String nodeId = props.getProperty("node.id");
    if (clusterId == null || nodeId == null) {
      throw unreadable(file, "it has no cluster.id or node.id");
    }
    try {
      return Optional.of(
          new MetaProperties(
              clusterId, Integer.parseInt(nodeId.trim()), props.getProperty("directory.id")));
    } catch (NumberFormatException e) {
      throw unreadable(file, "node.id '" + nodeId + "' is not a number");
    }
  }

  private static LaunchException unreadable(Path file, String why) {
    return new LaunchException(
        LaunchException.STORAGE_REFUSED,
        "cannot use "
            + file
            + ": "
            + why
            + ". The launcher never rewrites meta.properties; inspect the volume.");
  }
}
