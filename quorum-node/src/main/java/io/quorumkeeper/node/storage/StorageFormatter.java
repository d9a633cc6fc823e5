package io.quorumkeeper.node.storage;

import io.quorumkeeper.node.LaunchException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Formats an empty log directory with Kafka's own {@code kafka.tools.StorageTool}, in-process,
 * exactly as {@code kafka-storage.sh format} would. {@code --standalone} is never used: a
 * single-node quorum is just an {@code --initial-controllers} list of one.
 */
public final class StorageFormatter {

  private static final Logger LOG = LoggerFactory.getLogger(StorageFormatter.class);

  private StorageFormatter() {}

  /** The StorageTool arguments for a formatting decision. */
  public static List<String> arguments(
      FormatDecision decision, Path serverProperties, String clusterId) {
    List<String> args =
        new ArrayList<>(
            List.of("format", "--config", serverProperties.toString(), "--cluster-id", clusterId));
    if (decision instanceof FormatDecision.FormatInitialControllers initial) {
      args.add("--initial-controllers");
      args.add(initial.initialControllers().text());
    } else if (decision instanceof FormatDecision.FormatNoInitialControllers) {
      args.add("--no-initial-controllers");
    } else if (!(decision instanceof FormatDecision.FormatBroker)) {
      throw new IllegalArgumentException("not a formatting decision: " + decision);
    }
    return List.copyOf(args);
  }

  /** Runs StorageTool; its output goes to the log, a failure becomes a {@link LaunchException}. */
  public static void format(FormatDecision decision, Path serverProperties, String clusterId) {
    List<String> args = arguments(decision, serverProperties, clusterId);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exitCode;
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      exitCode = kafka.tools.StorageTool.execute(args.toArray(String[]::new), out);
    } catch (RuntimeException e) {
      logOutput(captured);
      throw new LaunchException(
          LaunchException.FORMAT_FAILED, "kafka-storage format failed: " + e.getMessage(), e);
    }
    logOutput(captured);
    if (exitCode != 0) {
      throw new LaunchException(
          LaunchException.FORMAT_FAILED,
          "kafka-storage format exited with " + exitCode + ": " + args);
    }
  }

  private static void logOutput(ByteArrayOutputStream captured) {
    captured
        .toString(StandardCharsets.UTF_8)
        .lines()
        .filter(line -> !line.isBlank())
        .forEach(line -> LOG.info("kafka-storage: {}", line));
  }
}
