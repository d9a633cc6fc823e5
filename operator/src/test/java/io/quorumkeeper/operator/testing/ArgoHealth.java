package io.quorumkeeper.operator.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs the Argo CD health check of {@code deploy/argocd/} on an object through Debian's {@code
 * lua5.1} binary (Argo CD runs Lua 5.1 too), via {@code argocd/run_health.lua}: the object goes in
 * as a Lua table, as Argo CD hands it over; status and message come out.
 */
public final class ArgoHealth {

  public static final Path CUSTOMIZATION =
      Path.of("../deploy/argocd/resource_customizations/quorumkeeper.io/QuorumCluster");
  public static final Path SCRIPT = CUSTOMIZATION.resolve("health.lua");
  static final Path HARNESS = Path.of("src/test/resources/argocd/run_health.lua");
  static final String BINARY = "lua5.1";

  /** What health.lua returned. */
  public record Health(String status, String message) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private ArgoHealth() {}

  /**
   * Skips the calling test when {@code lua5.1} is not installed, with the reason; fails instead
   * when {@code CI=true}, so that CI cannot silently lose the check.
   */
  public static void assumeLua() {
    if (binary().isPresent()) {
      return;
    }
    String why = BINARY + " is not on the PATH (Debian: apt-get install lua5.1)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true but " + why + "; .ci/run installs it");
    }
    System.err.println("[WARNING] Argo CD health tests skipped: " + why);
    Assumptions.assumeTrue(false, "Argo CD health tests skipped: " + why);
  }

  /** health.lua's verdict on {@code object} (a Kubernetes object, or its JSON tree). */
  public static Health of(Object object) {
    JsonNode tree = object instanceof JsonNode n ? n : JSON.valueToTree(object);
    String lua = binary().orElseThrow(() -> new IllegalStateException(BINARY + " missing"));
    try {
      Process process =
          new ProcessBuilder(lua, HARNESS.toString(), SCRIPT.toString())
              .redirectErrorStream(false)
              .start();
      CompletableFuture<String> out = read(process.getInputStream());
      CompletableFuture<String> err = read(process.getErrorStream());
      try (OutputStream in = process.getOutputStream()) {
        in.write(("return " + LuaTable.of(tree) + "\n").getBytes(UTF_8));
      }
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(BINARY + " did not finish within 20 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            BINARY + " exit " + process.exitValue() + ": " + err.join().strip());
      }
      String text = out.join();
      int newline = text.indexOf('\n');
      if (newline < 0 || !text.endsWith("\n")) {
        throw new IllegalStateException("expected a status and a message, got: " + text);
      }
      return new Health(text.substring(0, newline), text.substring(newline + 1, text.length() - 1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static CompletableFuture<String> read(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (stream) {
            return new String(stream.readAllBytes(), UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static Optional<String> binary() {
    String path = System.getenv("PATH");
    return path == null
        ? Optional.empty()
        : Arrays.stream(path.split(java.io.File.pathSeparator))
            .map(dir -> Path.of(dir, BINARY))
            .filter(Files::isExecutable)
            .map(Path::toString)
            .findFirst();
  }
}
