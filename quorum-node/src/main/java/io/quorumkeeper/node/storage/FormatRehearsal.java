package io.quorumkeeper.node.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's StorageTool run once on a throwaway copy of the node's configuration while the launcher
 * is still deciding how to format the real disk. The first format in a JVM costs about half a
 * second of class loading and initialisation (StorageTool, KafkaConfig, the bootstrap metadata);
 * the same format again takes 10–20 ms. At a cluster's creation the decision waits for every
 * controller peer's agent, so doing that first format beside the wait takes it off the node's way
 * to a running Kafka (issue 15).
 *
 * <p>Only the copy is touched: its log directories live under the rehearsal's own folder in the
 * launcher's work directory, never on the data volume, and are deleted when the rehearsal is
 * closed. The real format still happens after the decision, with its own arguments; a rehearsal
 * that fails changes nothing but the time that format takes.
 */
public final class FormatRehearsal implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FormatRehearsal.class);

  private final Path folder;
  private final Thread thread;

  private FormatRehearsal(Path folder, Thread thread) {
    this.folder = folder;
    this.thread = thread;
  }

  /**
   * Starts formatting a copy of {@code server} as {@code likely} decides, in {@code folder}
   * (emptied first), on a thread of its own.
   *
   * @param likely the decision the disk would get if no peer knows a leader; any formatting
   *     decision does, since what is warmed is the same code
   */
  public static FormatRehearsal start(
      FormatDecision likely, Properties server, String clusterId, Path folder) {
    Thread thread =
        new Thread(() -> rehearse(likely, server, clusterId, folder), "format-rehearsal");
    thread.setDaemon(true);
    thread.start();
    return new FormatRehearsal(folder, thread);
  }

  private static void rehearse(
      FormatDecision likely, Properties server, String clusterId, Path folder) {
    long start = System.nanoTime();
    try {
      delete(folder);
      Path config = writeCopy(server, folder);
      int exitCode =
          kafka.tools.StorageTool.execute(
              StorageFormatter.arguments(likely, config, clusterId).toArray(String[]::new),
              new java.io.PrintStream(OutputStream.nullOutputStream()));
      LOG.info(
          "format rehearsed on a throwaway copy in {} ms (StorageTool exit code {})",
          (System.nanoTime() - start) / 1_000_000,
          exitCode);
    } catch (IOException | RuntimeException e) {
      LOG.info("format rehearsal failed, the real format is not affected: {}", e.toString());
    }
  }

  /**
   * The node's properties with each log directory, and the metadata log directory if set, moved
   * into {@code folder}, written there as {@code server.properties}.
   */
  static Path writeCopy(Properties server, Path folder) throws IOException {
    Properties copy = new Properties();
    copy.putAll(server);
    String logDirs = server.getProperty("log.dirs", server.getProperty("log.dir", ""));
    int count = Math.max(1, (int) Stream.of(logDirs.split(",")).filter(s -> !s.isBlank()).count());
    copy.remove("log.dir");
    copy.setProperty(
        "log.dirs",
        IntStream.range(0, count)
            .mapToObj(i -> folder.resolve("log-" + i).toString())
            .collect(Collectors.joining(",")));
    if (server.getProperty("metadata.log.dir") != null) {
      copy.setProperty("metadata.log.dir", folder.resolve("metadata").toString());
    }
    Files.createDirectories(folder);
    Path config = folder.resolve("server.properties");
    try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      copy.store(out, "a throwaway copy for the format rehearsal");
    }
    return config;
  }

  /** Whether the rehearsal has ended (formatted, or failed). */
  public boolean finished() {
    return !thread.isAlive();
  }

  /**
   * Waits for the rehearsal to end, so that the real format never runs beside it, and deletes its
   * folder.
   */
  @Override
  public void close() {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the launcher is stopping: the folder goes all the same
    }
    try {
      delete(folder);
    } catch (IOException e) {
      LOG.debug("format rehearsal folder {} not deleted: {}", folder, e.toString());
    }
  }

  private static void delete(Path folder) throws IOException {
    Utils.delete(folder.toFile()); // Kafka's own recursive delete; nothing there is no error
  }
}
