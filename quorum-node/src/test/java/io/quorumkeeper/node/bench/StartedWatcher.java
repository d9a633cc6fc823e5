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
 * Copies a node's output to a log file and completes when Kafka logs "Kafka Server started" (the
 * line {@code KafkaRaftServer} prints once startup is done), with the {@link System#nanoTime()} it
 * was seen at.
 */
final class StartedWatcher {

  static final String STARTED = "Kafka Server started";

  private StartedWatcher() {}

  static CompletableFuture<Long> watch(Process process, Path log) {
    CompletableFuture<Long> started = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                  PrintWriter out =
                      new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                  if (!started.isDone() && line.contains(STARTED)) {
                    started.complete(System.nanoTime());
                  }
                  out.println(line);
                }
              } catch (IOException e) {
                started.completeExceptionally(e);
              }
              started.completeExceptionally(
                  new IllegalStateException("process ended before '" + STARTED + "'; see " + log));
            },
            "output-" + log.getFileName());
    reader.setDaemon(true);
    reader.start();
    return started;
  }
}
