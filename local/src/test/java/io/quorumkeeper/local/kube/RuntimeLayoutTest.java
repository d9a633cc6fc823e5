package io.quorumkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuntimeLayoutTest {

  @TempDir Path folder;

  @Test
  void aFileOtherProcessesReadIsReplacedWhole_withNothingLeftBeside() throws Exception {
    Path kubeconfig = folder.resolve("kubeconfig");
    Files.writeString(kubeconfig, "server: \"http://127.0.0.1:1111\"\n");

    RuntimeLayout.writeWhole(kubeconfig, "server: \"http://127.0.0.1:2222\"\n");

    assertThat(kubeconfig).hasContent("server: \"http://127.0.0.1:2222\"");
    try (var files = Files.list(folder)) {
      assertThat(files).containsExactly(kubeconfig);
    }
  }
}
