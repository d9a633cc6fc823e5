package io.quorumkeeper.local.client;

import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of Kafka's tools in its own JVM, as Kafka's {@code bin/} scripts do: the node's
 * classpath ({@code quorum-node/target/lib}) plus kafka-tools ({@code local/target/kafka-tools}),
 * the runtime's hosts file, and the client properties in a file only its owner can read, deleted
 * when the tool ends.
 */
public final class ToolLauncher {

  private final Path home;
  private final Path hostsFile;

  /**
   * @param home the repository root (where the built jars are)
   * @param hostsFile the runtime's hosts file
   */
  public ToolLauncher(Path home, Path hostsFile) {
    this.home = home;
    this.hostsFile = hostsFile;
  }

  /** What a tool printed and how it ended. */
  public record Result(int exitCode, String output) {}

  /** Runs the tool with the terminal's stdin, stdout and stderr; its exit code. */
  public int runInTerminal(KafkaCommand command, ClientConfig config) {
    return run(command, config, null, true).exitCode();
  }

  /** Runs the tool with {@code input} on its stdin; what it printed (stdout and stderr). */
  public Result run(KafkaCommand command, ClientConfig config, String input) {
    return run(command, config, input, false);
  }

  private Result run(KafkaCommand command, ClientConfig config, String input, boolean terminal) {
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory("quorum-keeper-kafka-");
      Path properties = config == null ? null : write(scratch, config);
      List<String> args =
          config == null
              ? command.toolArgs()
              : command.argsWith(config.bootstrap(), properties.toString());
      ProcessBuilder builder = new ProcessBuilder(commandLine(command, scratch, args));
      if (terminal) {
        // The user's own session (a console consumer runs until Ctrl-C): no time limit.
        return new Result(builder.inheritIO().start().waitFor(), "");
      }
      // Output to a file, so a tool that writes much while reading its input cannot block on a
      // full pipe, and a hung one is still timed out.
      Path out = scratch.resolve("output");
      Process process = builder.redirectErrorStream(true).redirectOutput(out.toFile()).start();
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write((input == null ? "" : input).getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new LocalRuntimeException(
            command.tool().orElse("tool") + " did not end in 5 minutes");
      }
      String output = Files.readString(out);
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new LocalRuntimeException(
          "cannot run " + command.tool().orElse("") + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LocalRuntimeException("interrupted");
    } finally {
      deleteQuietly(scratch);
    }
  }

  List<String> commandLine(KafkaCommand command, Path scratch, List<String> args)
      throws IOException {
    Path nodeLib = home.resolve("quorum-node/target/lib");
    Path tools = home.resolve("local/target/kafka-tools");
    if (!Files.isDirectory(nodeLib) || !Files.isDirectory(tools)) {
      throw new LocalRuntimeException(
          nodeLib + " or " + tools + " is missing: run ./mvnw -q -DskipTests package");
    }
    Path log4j = scratch.resolve("log4j2.properties");
    Files.writeString(
        log4j,
        """
        appender.err.type = Console
        appender.err.name = err
        appender.err.target = SYSTEM_ERR
        appender.err.layout.type = PatternLayout
        appender.err.layout.pattern = [%p] %m (%c)%n
        rootLogger.level = WARN
        rootLogger.appenderRef.err.ref = err
        """);
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    line.add("-Djdk.net.hosts.file=" + hostsFile.toAbsolutePath());
    line.add("-Dlog4j2.configurationFile=" + log4j);
    line.add("-cp");
    line.add(nodeLib + "/*" + java.io.File.pathSeparator + tools + "/*");
    line.add(KafkaTools.mainClass(command.tool().orElseThrow()).orElseThrow());
    line.addAll(args);
    return line;
  }

  /** The client properties, readable by this user only (they hold a password or a key). */
  private static Path write(Path scratch, ClientConfig config) throws IOException {
    Path file = scratch.resolve("client.properties");
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Properties p = new Properties();
    p.putAll(config.properties());
    try (OutputStream out = Files.newOutputStream(file)) {
      p.store(out, "written by ./quorum-keeper kafka; deleted when the tool ends");
    }
    return file;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException | UncheckedIOException e) {
      // a temporary directory: the system cleans it
    }
  }
}
