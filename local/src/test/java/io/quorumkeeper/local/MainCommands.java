package io.quorumkeeper.local;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** {@code ./quorum-keeper} commands for tests in other packages, as a user runs them. */
public final class MainCommands {

  /** The exit code and what was printed on stderr. */
  public record Outcome(int code, String err) {}

  private MainCommands() {}

  public static Outcome run(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.execute(args, new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(code, err.toString(StandardCharsets.UTF_8).strip());
  }
}
