package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.local.bench.Rolls;
import io.quorumkeeper.local.control.Faults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A container restart outside the roll reads the config of its pod's template (docs/rolling-
 * restarts.md): examples/combined.yaml gets a new {@code spec.kafka.config} entry, and while the
 * roll restarts its first pod, the process of a pod the roll has not reached is killed (the local
 * kubelet restarts it like a container). It comes back on the OLD server.properties; then the roll
 * completes and every pod runs the new one.
 */
class ConfigRestartE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local =
      new LocalRuntimeExtension("config-restart", "127.0.48");

  private static final Duration ROLL_TIMEOUT = Duration.ofMinutes(5);
  private static final String NEW_ENTRY = "log.retention.hours=100";

  @Test
  void givenAConfigChange_whenAPodNotYetRolledIsKilled_thenItComesBackOnItsOldConfig() {
    local.runtime().apply(LocalRuntimeExtension.HOME.resolve("examples/combined.yaml"));
    local.awaitReady("orders", 3);
    Map<String, String> uids = Rolls.podUids(local.runtime(), "orders");
    RollWatch watch = RollWatch.begin(local, "combined.yaml");
    AtomicReference<String> victim = new AtomicReference<>();
    AtomicLong startsBefore = new AtomicLong();
    AtomicReference<String> readOnRestart = new AtomicReference<>();

    watch.changeKafkaConfig();
    watch.awaitRolled(
        ROLL_TIMEOUT,
        w -> {
          if (victim.get() == null && w.restartsSeen() == 1) {
            // neither the pod the roll restarts nor the leader (the roll's last): not reached yet
            RollWatch.Step first = w.lastStep().orElseThrow();
            String pod =
                uids.keySet().stream()
                    .filter(p -> !p.equals(first.pod()) && !p.equals(first.leaderPod()))
                    .findFirst()
                    .orElseThrow();
            startsBefore.set(Rolls.starts(local.runtime(), pod));
            Faults.run(local.runtime(), "kill", "default", pod);
            victim.set(pod);
          }
          String pod = victim.get();
          if (pod != null
              && readOnRestart.get() == null
              && Rolls.starts(local.runtime(), pod) > startsBefore.get()
              && uids.get(pod).equals(Rolls.podUids(local.runtime(), "orders").get(pod))) {
            readOnRestart.set(serverProperties(pod)); // the same pod object, its process restarted
          }
        });

    assertThat(victim.get()).as("a pod killed before the roll reached it").isNotNull();
    assertThat(readOnRestart.get())
        .as("server.properties %s read when its process restarted", victim.get())
        .isNotNull()
        .contains("num.partitions=6")
        .doesNotContain(NEW_ENTRY);
    for (String pod : List.copyOf(uids.keySet())) {
      assertThat(serverProperties(pod)).as("%s after the roll", pod).contains(NEW_ENTRY);
    }
  }

  /** The server.properties the local kubelet put in the pod's config volume at its last start. */
  private static String serverProperties(String pod) {
    Path file =
        local
            .runtime()
            .layout()
            .podDir("default", pod)
            .resolve("volumes")
            .resolve("config")
            .resolve("server.properties");
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
