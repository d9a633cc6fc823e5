package io.quorumkeeper.node.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Copies a node's output to a log file and notes, with {@link System#nanoTime()}, when the launcher
 * hands over to Kafka ("starting Kafka with") and when Kafka logs "Kafka Server started" (the line
 * {@code KafkaRaftServer} prints once startup is done).
 */
final class StartedWatcher {

  static final String STARTED = "Kafka Server started";
  static final String HANDOFF = "starting Kafka with";

  /**
   * When the launcher called kafka.Kafka (never completes for bare Kafka) and when Kafka was
   * started.
   */
  record Marks(CompletableFuture<Long> handoff, CompletableFuture<Long> started) {}

  private StartedWatcher() {}

  static Marks watch(Process process, Path log) {
    Marks marks = new Marks(new CompletableFuture<>(), new CompletableFuture<>());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  PrintWriter out =
                      new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
                String line;
                while ((line = in.readLine()) != null) {
                  long now = System.nanoTime();
                  if (!marks.handoff().isDone() && line.contains(HANDOFF)) {
                    marks.handoff().complete(now);
                  }
                  if (!marks.started().isDone() && line.contains(STARTED)) {
                    marks.started().complete(now);
                  }
                  out.println(line);
                }
              } catch (IOException e) {
                marks.started().completeExceptionally(e);
              }
              marks
                  .started()
                  .completeExceptionally(
                      new IllegalStateException(
                          "process ended before '" + STARTED + "'; see " + log));
            },
            "output-" + log.getFileName());
    reader.setDaemon(true);
    reader.start();
    return marks;
  }
}
