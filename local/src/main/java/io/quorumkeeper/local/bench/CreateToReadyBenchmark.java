package io.quorumkeeper.local.bench;

import java.nio.file.Path;
import java.util.List;

/** Placeholder until the benchmark lands. */
public final class CreateToReadyBenchmark {
  private CreateToReadyBenchmark() {}

  public static int run(Path home, List<String> args) {
    System.out.println("not yet");
    return 0;
  }
}
