package io.quorumkeeper.local.control;

import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.api.QuorumClusters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A scripted scenario: one step per line, run in order against a runtime.
 *
 * <pre>
 * apply examples/combined.yaml     # create or change a QuorumCluster
 * await-ready orders 180s          # until its Ready condition is True (fails after the timeout)
 * kill orders-node-1               # also: wipe, freeze, thaw, node-down, node-up (pod [namespace])
 * wait 10s                         # let time pass, e.g. to watch healing
 * delete orders
 * </pre>
 */
public final class Scenario {

  /** One parsed line. */
  public record Step(int line, String verb, List<String> args) {}

  private final Path file;
  private final List<Step> steps;

  private Scenario(Path file, List<Step> steps) {
    this.file = file;
    this.steps = steps;
  }

  /** Parses and checks every line up front: a bad scenario fails before anything starts. */
  public static Scenario read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new InputException(file + ": cannot read: " + e.getMessage());
    }
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).replaceFirst("#.*", "").strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] words = line.split("\\s+");
      Step step = new Step(i + 1, words[0], List.of(words).subList(1, words.length));
      check(file, step);
      steps.add(step);
    }
    return new Scenario(file, steps);
  }

  private static void check(Path file, Step s) {
    int n = s.args().size();
    boolean ok =
        switch (s.verb()) {
          case "apply" -> n == 1;
          case "delete" -> n == 1 || n == 2;
          case "wait" -> n == 1 && parseDuration(s.args().get(0)) != null;
          case "await-ready" ->
              (n == 1 || n == 2) && (n == 1 || parseDuration(s.args().get(1)) != null);
          default -> Faults.POD_VERBS.contains(s.verb()) && (n == 1 || n == 2);
        };
    if (!ok) {
      throw new InputException(
          file
              + ":"
              + s.line()
              + ": cannot understand '"
              + s.verb()
              + " "
              + String.join(" ", s.args())
              + "'");
    }
  }

  static Duration parseDuration(String text) {
    var m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(text);
    if (!m.matches()) {
      return null;
    }
    long v = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(v);
      case "s" -> Duration.ofSeconds(v);
      default -> Duration.ofMinutes(v);
    };
  }

  /** Runs every step; progress goes to {@code say}. Fails on the first step that fails. */
  public void run(LocalRuntime runtime, Consumer<String> say) throws InterruptedException {
    for (Step s : steps) {
      say.accept(
          "scenario "
              + file.getFileName()
              + ":"
              + s.line()
              + ": "
              + s.verb()
              + " "
              + String.join(" ", s.args()));
      switch (s.verb()) {
        case "apply" ->
            runtime.apply(
                file.resolveSibling(s.args().get(0)).normalize().toFile().exists()
                    ? file.resolveSibling(s.args().get(0)).normalize()
                    : Path.of(s.args().get(0)));
        case "delete" -> runtime.delete(ns(s, 1), s.args().get(0));
        case "wait" -> Thread.sleep(parseDuration(s.args().get(0)).toMillis());
        case "await-ready" -> awaitReady(runtime, s);
        default -> say.accept(Faults.run(runtime, s.verb(), ns(s, 1), s.args().get(0)));
      }
    }
    say.accept("scenario " + file.getFileName() + ": done");
  }

  private static String ns(Step s, int index) {
    return s.args().size() > index ? s.args().get(index) : "default";
  }

  private static void awaitReady(LocalRuntime runtime, Step s) throws InterruptedException {
    Duration timeout = s.args().size() > 1 ? parseDuration(s.args().get(1)) : Duration.ofMinutes(3);
    Instant deadline = Instant.now().plus(timeout);
    String name = s.args().get(0);
    while (Instant.now().isBefore(deadline)) {
      var qc = QuorumClusters.of(runtime.client()).inNamespace("default").withName(name).get();
      if (qc != null && QuorumClusters.condition(qc, "Ready").filter("True"::equals).isPresent()) {
        return;
      }
      Thread.sleep(500); // polling the API, as kubectl wait does
    }
    throw new InputException(
        "scenario line " + s.line() + ": " + name + " not Ready within " + timeout);
  }
}
