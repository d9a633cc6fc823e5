package io.quorumkeeper.local.bench;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.RuntimeOptions;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.kube.Kubelet;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Failover visibility (docs/design.md section 9): on a Ready 3-node Combined cluster, kill -9 the
 * leader and measure how long after the new leader's own Kafka log says it became leader the API's
 * {@code status.quorum.leaderId} shows it, polled every 25 ms. The election itself (kill → that log
 * line) is printed for context: it is Kafka's, not the operator's. Between runs the killed pod
 * restarts and the cluster returns to full fault tolerance (every voter CaughtUp, tolerance 1, all
 * pods Ready, for 5 s). Not a test: figures only.
 */
public final class FailoverBenchmark {

  private static final String CLUSTER = "orders";
  private static final Duration API_POLL = Duration.ofMillis(25);
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  /** Longer than one observation interval (2 s), so "healthy" is not an old status. */
  private static final Duration STEADY = Duration.ofSeconds(5);

  private FailoverBenchmark() {}

  /** One failover: times on the wall clock (the log's and this JVM's clocks are the same). */
  record Run(
      int oldLeader,
      int newLeader,
      long oldEpoch,
      long newEpoch,
      long electionMillis,
      long visibleMillis,
      Map<String, Integer> events) {}

  public static int run(Path home, List<String> args) {
    int runs = args.isEmpty() ? 10 : positive(args.get(0));
    Path dir = home.resolve("local/target/bench/failover");
    BenchSupport.delete(dir);
    RuntimeOptions options = RuntimeOptions.defaults(home, dir).withNet("127.0.52");
    System.out.printf(
        "Failover visibility, %d runs, examples/combined.yaml, 2 CPUs here: see"
            + " docs/observation.md%n",
        runs);
    List<Run> done = new ArrayList<>();
    try (LocalRuntime runtime = LocalRuntime.start(options)) {
      BenchSupport.waitFor(() -> BenchSupport.operatorStarted(runtime), "operator start", TIMEOUT);
      runtime.apply(home.resolve("examples/combined.yaml"));
      awaitFullTolerance(runtime);
      for (int i = 1; i <= runs; i++) {
        Run r = once(runtime);
        done.add(r);
        System.out.printf(
            "  run %2d: leader %d -> %d (epoch %d -> %d)   election %5d ms   status shows it %+6d"
                + " ms later   events %s%n",
            i,
            r.oldLeader(),
            r.newLeader(),
            r.oldEpoch(),
            r.newEpoch(),
            r.electionMillis(),
            r.visibleMillis(),
            r.events());
        awaitFullTolerance(runtime);
      }
    }
    List<Long> visible = done.stream().map(Run::visibleMillis).toList();
    List<Long> election = done.stream().map(Run::electionMillis).toList();
    System.out.printf(
        "status.quorum.leaderId shows the new leader after its own log says it leads: p50 %d ms,"
            + " p95 %d ms, max %d ms (%d runs)%n",
        BenchSupport.percentile(visible, 50),
        BenchSupport.percentile(visible, 95),
        BenchSupport.percentile(visible, 100),
        visible.size());
    System.out.printf(
        "for context, Kafka's election (kill -9 -> new leader's log line): p50 %d ms, p95 %d ms%n",
        BenchSupport.percentile(election, 50), BenchSupport.percentile(election, 95));
    return 0;
  }

  private static int positive(String runs) {
    try {
      int n = Integer.parseInt(runs);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // below
    }
    throw new InputException("bench failover [RUNS]: RUNS must be a positive number, not " + runs);
  }

  private static Run once(LocalRuntime runtime) {
    GenericKubernetesResource before = BenchSupport.cluster(runtime, CLUSTER);
    int oldLeader = (int) number(before, "status.quorum.leaderId");
    long oldEpoch = number(before, "status.quorum.leaderEpoch");
    String leaderPod = podOf(before, oldLeader);
    Map<String, Long> logEnds = new TreeMap<>();
    for (String pod : pods(before)) {
      logEnds.put(pod, LeaderLog.end(runtime.layout().podLog("default", pod)));
    }

    int restarts = runtime.kubelet().container("default", leaderPod).snapshot().restarts();

    runtime.kubelet().kill("default", leaderPod);
    Instant killed = Instant.now();

    GenericKubernetesResource[] seen = new GenericKubernetesResource[1];
    BenchSupport.waitFor(
        () -> {
          GenericKubernetesResource qc = BenchSupport.cluster(runtime, CLUSTER);
          Optional<Object> leader = QuorumClusters.at(qc, "status.quorum.leaderId");
          if (leader.isPresent() && ((Number) leader.get()).intValue() != oldLeader) {
            seen[0] = qc;
            return true;
          }
          return false;
        },
        "a new leader in status",
        TIMEOUT,
        API_POLL);
    Instant visible = Instant.now();
    int newLeader = (int) number(seen[0], "status.quorum.leaderId");
    long newEpoch = number(seen[0], "status.quorum.leaderEpoch");
    String newPod = podOf(seen[0], newLeader);
    Path log = runtime.layout().podLog("default", newPod);
    LeaderLog.Transition[] elected = new LeaderLog.Transition[1];
    BenchSupport.waitFor(
        () -> {
          elected[0] =
              LeaderLog.find(log, logEnds.getOrDefault(newPod, 0L), newLeader, newEpoch)
                  .orElse(null);
          return elected[0] != null;
        },
        newPod + " logging its transition to leader at epoch " + newEpoch,
        Duration.ofSeconds(30));
    Instant leads = elected[0].at();
    BenchSupport.waitFor(
        () -> {
          var c = runtime.kubelet().container("default", leaderPod).snapshot();
          return c.restarts() > restarts && c.running();
        },
        leaderPod + " restarting",
        TIMEOUT);
    return new Run(
        oldLeader,
        newLeader,
        oldEpoch,
        newEpoch,
        Duration.between(killed, leads).toMillis(),
        Duration.between(leads, visible).toMillis(),
        eventsSince(runtime, killed));
  }

  /** Events about the cluster since {@code since}, counted by reason: what a user was told. */
  private static Map<String, Integer> eventsSince(LocalRuntime runtime, Instant since) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (Event e : runtime.client().v1().events().inNamespace("default").list().getItems()) {
      String at = e.getLastTimestamp() != null ? e.getLastTimestamp() : e.getFirstTimestamp();
      if (CLUSTER.equals(e.getInvolvedObject().getName())
          && at != null
          && !Instant.parse(at).isBefore(since.minusMillis(50))) {
        counts.merge(e.getReason(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Every pod Ready and the status at full tolerance, steadily: the next run starts clean. */
  private static void awaitFullTolerance(LocalRuntime runtime) {
    BenchSupport.waitForSteady(
        () ->
            BenchSupport.fullyHealthy(BenchSupport.cluster(runtime, CLUSTER), 3)
                && runtime.client().pods().inNamespace("default").list().getItems().stream()
                        .filter(Kubelet::isReady)
                        .count()
                    == 3,
        "full fault tolerance",
        STEADY,
        TIMEOUT);
  }

  private static long number(GenericKubernetesResource qc, String path) {
    return ((Number) QuorumClusters.at(qc, path).orElseThrow()).longValue();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> members(GenericKubernetesResource qc) {
    return (List<Map<String, Object>>)
        QuorumClusters.at(qc, "status.quorum.members").orElse(List.of());
  }

  private static List<String> pods(GenericKubernetesResource qc) {
    return members(qc).stream().map(m -> (String) m.get("pod")).toList();
  }

  private static String podOf(GenericKubernetesResource qc, int nodeId) {
    return members(qc).stream()
        .filter(m -> ((Number) m.get("nodeId")).intValue() == nodeId)
        .map(m -> (String) m.get("pod"))
        .findFirst()
        .orElseThrow();
  }
}
