package io.quorumkeeper.local.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.local.api.ApiServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The view says when the operator process crashes, once per change, not only in its log. */
class TerminalViewTest {

  ApiServer api;
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final AtomicReference<String> operator = new AtomicReference<>("operator running (pid 41)");

  @BeforeEach
  void start() {
    api = ApiServer.start(0, Path.of("../crds/quorumclusters.quorumkeeper.io-v1.yml"));
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenNoTerminal_whenTheOperatorCrashesAndRestarts_thenEachStateIsPrintedOnce() {
    try (TerminalView view =
        new TerminalView(
            api.client(),
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            false,
            "header",
            operator::get)) {
      view.start();
      await().until(() -> output().contains("operator running (pid 41)"));

      String crashed = "operator not running; 1 restart(s), last exited with code 1 at 10:00:00";
      operator.set(crashed);
      await().until(() -> output().contains(crashed));
      String back = "operator running (pid 42); 1 restart(s), last exited with code 1 at 10:00:00";
      operator.set(back);
      await().until(() -> output().contains(back));
    }

    assertThat(count("operator running \\(pid 41\\)")).isEqualTo(1);
    assertThat(count("operator not running")).isEqualTo(1);
    assertThat(count("operator running \\(pid 42\\)")).isEqualTo(1);
  }

  private String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private int count(String regex) {
    Matcher m = Pattern.compile(regex).matcher(output());
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
