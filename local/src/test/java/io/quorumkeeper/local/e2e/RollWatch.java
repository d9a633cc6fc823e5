package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quorumkeeper.local.bench.Rolls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Watches one roll of a cluster from outside, as a user can: the restarts {@code status.roll}
 * records one after the other (with the leader {@code status.quorum} names at that moment), every
 * uid each pod had, the starts in each pod's log and the {@code RollingRestart} events. Taken
 * before the change that starts the roll.
 */
final class RollWatch {

  /** A restart recorded in {@code status.roll}, and which pod led the quorum when it was seen. */
  record Step(String pod, String leaderPod) {}

  private final LocalRuntimeExtension local;
  private final Path example;
  private final String cluster;
  private final Map<String, String> uidsBefore;
  private final Map<String, Long> startsBefore = new TreeMap<>();
  private final Map<String, Set<String>> uidsSeen = new TreeMap<>();
  private final int eventsBefore;
  private final List<Step> steps = new ArrayList<>();

  private RollWatch(LocalRuntimeExtension local, String example) {
    this.local = local;
    this.example = CombinedE2ETest.example(example);
    this.cluster = local.runtime().files().read(this.example).get(0).getMetadata().getName();
    this.uidsBefore = Rolls.podUids(local.runtime(), cluster);
    uidsBefore.keySet().forEach(p -> startsBefore.put(p, Rolls.starts(local.runtime(), p)));
    this.eventsBefore = local.events(cluster, "RollingRestart").size();
    observe();
  }

  /** Watches the cluster of {@code examples/<example>} from now on. */
  static RollWatch begin(LocalRuntimeExtension local, String example) {
    return new RollWatch(local, example);
  }

  /** Applies the example with one more {@code spec.kafka.config} entry: a roll of every pod. */
  void changeKafkaConfig() {
    Rolls.applyWithKafkaConfig(local.runtime(), example, "log.retention.hours", "100");
  }

  /** The restart recorded last, if any. */
  java.util.Optional<Step> lastStep() {
    return steps.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(steps.get(steps.size() - 1));
  }

  /** {@code RollingRestart} events recorded since the watch began. */
  int restartEventsSeen() {
    return local.events(cluster, "RollingRestart").size() - eventsBefore;
  }

  /** Restarts recorded so far (distinct steps of {@code status.roll}). */
  int restartsSeen() {
    return steps.size();
  }

  /**
   * Until the roll is over ({@link Rolls#rolled}), looking every 200 ms; {@code each} runs after
   * every look (to act mid-roll).
   */
  void awaitRolled(Duration atMost, Consumer<RollWatch> each) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              observe();
              each.accept(this);
              return Rolls.rolled(local.runtime(), cluster, uidsBefore);
            });
    observe();
  }

  private void observe() {
    Rolls.podUids(local.runtime(), cluster)
        .forEach((pod, uid) -> uidsSeen.computeIfAbsent(pod, p -> new LinkedHashSet<>()).add(uid));
    GenericKubernetesResource qc = local.cluster(cluster);
    Rolls.restarting(qc)
        .filter(pod -> steps.isEmpty() || !steps.get(steps.size() - 1).pod().equals(pod))
        .ifPresent(pod -> steps.add(new Step(pod, leaderPod(QuorumState.of(qc)))));
  }

  private static String leaderPod(QuorumState q) {
    return q.members().stream()
        .filter(m -> "Leader".equals(m.role()))
        .map(QuorumState.Member::pod)
        .findFirst()
        .orElse(null);
  }

  /**
   * Every pod restarted exactly once (two uids seen, one more start in its log, one {@code
   * RollingRestart} event), one at a time in the recorded steps, the quorum's leader last.
   */
  void assertEveryPodRestartedOnceLeaderLast() {
    assertThat(steps)
        .extracting(Step::pod)
        .as("restarts in status.roll")
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(uidsBefore.keySet());
    Step last = steps.get(steps.size() - 1);
    assertThat(last.pod()).as("the last restart (%s)", steps).isEqualTo(last.leaderPod());
    assertThat(steps.subList(0, steps.size() - 1))
        .as("restarts before the last")
        .allSatisfy(s -> assertThat(s.pod()).isNotEqualTo(s.leaderPod()));
    for (String pod : uidsBefore.keySet()) {
      assertThat(uidsSeen.get(pod)).as("uids of %s", pod).hasSize(2);
      assertThat(Rolls.starts(local.runtime(), pod))
          .as("process starts of %s", pod)
          .isEqualTo(startsBefore.get(pod) + 1);
    }
    List<Event> events = local.events(cluster, "RollingRestart");
    assertThat(events.subList(eventsBefore, events.size()))
        .extracting(e -> e.getMessage().substring(0, e.getMessage().indexOf(':')))
        .as("RollingRestart events")
        .containsExactlyInAnyOrderElementsOf(uidsBefore.keySet());
    System.out.printf("roll of %s: %s%n", cluster, steps);
  }
}
