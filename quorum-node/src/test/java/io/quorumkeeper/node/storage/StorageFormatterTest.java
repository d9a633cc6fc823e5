package io.quorumkeeper.node.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.node.config.InitialControllers;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StorageFormatterTest {

  private static final Path CONFIG = Path.of("/work/server.properties");
  private static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";

  @Test
  void initialControllersArePassedVerbatimAndStandaloneIsNeverUsed() {
    InitialControllers initial = InitialControllers.parse("0@c-0:9093:b5Qy2aZ3RlSzq1Tw6HfXyA");

    assertThat(
            StorageFormatter.arguments(
                new FormatDecision.FormatInitialControllers(initial, "b5Qy2aZ3RlSzq1Tw6HfXyA"),
                CONFIG,
                CLUSTER))
        .containsExactly(
            "format",
            "--config",
            "/work/server.properties",
            "--cluster-id",
            CLUSTER,
            "--initial-controllers",
            "0@c-0:9093:b5Qy2aZ3RlSzq1Tw6HfXyA")
        .doesNotContain("--standalone");
  }

  @Test
  void observersAreFormattedWithNoInitialControllers() {
    assertThat(
            StorageFormatter.arguments(
                new FormatDecision.FormatNoInitialControllers("cluster.formed=true"),
                CONFIG,
                CLUSTER))
        .containsExactly(
            "format",
            "--config",
            "/work/server.properties",
            "--cluster-id",
            CLUSTER,
            "--no-initial-controllers");
  }

  @Test
  void brokersGetAPlainFormat() {
    assertThat(StorageFormatter.arguments(new FormatDecision.FormatBroker(), CONFIG, CLUSTER))
        .containsExactly("format", "--config", "/work/server.properties", "--cluster-id", CLUSTER);
  }

  @Test
  void decisionsThatDoNotFormatHaveNoArguments() {
    assertThatThrownBy(
            () ->
                StorageFormatter.arguments(
                    new FormatDecision.ClusterIdMismatch("a", "b"), CONFIG, CLUSTER))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
