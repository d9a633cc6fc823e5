package io.quorumkeeper.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuWeightsTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
    "1000, 1024", // a pod of the examples: one CPU
    "100, 102", // the operator's Deployment
    "2000, 2048",
    "0, 2", // no request: the least weight, as a BestEffort pod's
    "1, 2",
    "-5, 2",
    "256000, 262144",
    "9223372036854775807, 262144"
  })
  void givenMillicores_whenWeighed_thenTheSharesAKubeletGives(long milliCpu, long shares) {
    assertThat(CpuWeights.shares(milliCpu)).isEqualTo(shares);
  }

  @Test
  void givenContainers_whenTheirRequestsAreSummed_thenRequestsElseLimitsInMillicores() {
    List<Container> containers =
        List.of(
            container(Map.of("cpu", "1"), Map.of()),
            container(Map.of("cpu", "250m"), Map.of("cpu", "2")),
            container(Map.of(), Map.of("cpu", "0.5")), // a limit alone is taken as the request
            container(Map.of("memory", "1Gi"), Map.of()),
            new ContainerBuilder().withName("bare").build());

    assertThat(CpuWeights.milliCpu(containers)).isEqualTo(1750);
    assertThat(CpuWeights.milliCpu(List.of())).isZero();
    assertThat(CpuWeights.milliCpu(null)).isZero();
  }

  @Test
  void givenNoCpuController_whenWeightsAreMade_thenOffSayingWhyAndNothingIsPlaced() {
    CpuWeights weights = CpuWeights.under(dir.resolve("absent"), "127.0.99", 2);

    assertThat(weights.modelled()).isFalse();
    assertThat(weights.describe()).contains("not modelled").contains("absent");
    assertThat(weights.place("operator", ProcessHandle.current().pid(), 100)).isNull();
    assertThat(dir.resolve("absent")).doesNotExist();
  }

  @Test
  void givenAHierarchy_whenAProcessIsPlaced_thenItsGroupIsWeightedForItsRequestAndClosedAfter()
      throws IOException {
    Files.writeString(dir.resolve("cpu.shares"), "1024");

    try (CpuWeights weights = CpuWeights.under(dir, "127.0.99", 2)) {
      Path child = weights.place("pod-default-orders-node-0", 4242, 1000);

      assertThat(weights.modelled()).isTrue();
      assertThat(dir.resolve("quorum-keeper-127.0.99/cpu.shares")).hasContent("2048");
      assertThat(child).isEqualTo(dir.resolve("quorum-keeper-127.0.99/pod-default-orders-node-0"));
      assertThat(child.resolve("cpu.shares")).hasContent("1024");
      assertThat(child.resolve("cgroup.procs")).hasContent("4242");
    }
  }

  /**
   * The kernel's own cgroups, where this machine lets the tests write them (root, cgroup v1): a
   * process placed for 100m runs in its group with 102 shares, and the groups go once it ended.
   */
  @Test
  void givenTheKernelsCpuHierarchy_whenASleepIsPlaced_thenTheKernelRunsItInItsWeightedGroup()
      throws Exception {
    CpuWeights weights = CpuWeights.under(CpuWeights.CPU_HIERARCHY, "127.0.98", 2);
    assumeThat(weights.modelled()).as(weights.describe()).isTrue();
    Path group = CpuWeights.CPU_HIERARCHY.resolve("quorum-keeper-127.0.98");
    Process sleep = new ProcessBuilder("sleep", "60").start();
    try {
      Path child = weights.place("operator", sleep.pid(), 100);

      assertThat(child).isNotNull();
      assertThat(CpuWeights.cpuGroupOf(sleep.pid())).contains("/quorum-keeper-127.0.98/operator");
      assertThat(Files.readString(child.resolve("cpu.shares")).trim()).isEqualTo("102");
    } finally {
      sleep.destroyForcibly().waitFor();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                weights.close();
                return !Files.exists(group);
              });
    }
    assertThat(CpuWeights.cpuGroupOf(ProcessHandle.current().pid())).isPresent();
  }

  private static Container container(Map<String, String> requests, Map<String, String> limits) {
    return new ContainerBuilder()
        .withName("c")
        .withNewResources()
        .withRequests(quantities(requests))
        .withLimits(quantities(limits))
        .endResources()
        .build();
  }

  private static Map<String, Quantity> quantities(Map<String, String> values) {
    return values.entrySet().stream()
        .collect(
            java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> new Quantity(e.getValue())));
  }
}
