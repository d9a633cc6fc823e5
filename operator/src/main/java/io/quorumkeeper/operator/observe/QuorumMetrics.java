package io.quorumkeeper.operator.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.QuorumView;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The quorum as Prometheus metrics on {@code /q/metrics}: per cluster leader id, epoch, voters and
 * fault tolerance, per member lag, a leader-change counter and how long observations take. A
 * cluster without a known leader reports leader -1.
 */
public class QuorumMetrics {

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> values = new ConcurrentHashMap<>();

  public QuorumMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one observation's duration, tagged by whether a leader answered. */
  public void observed(String cluster, Duration took, boolean answered) {
    Timer.builder("quorumkeeper.observation")
        .description("time to ask a cluster's controllers for the quorum's state")
        .tags(tags(cluster).and("answered", Boolean.toString(answered)))
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  public void update(String cluster, Optional<QuorumView> view) {
    set(
        cluster,
        "leader",
        view.flatMap(
                v ->
                    v.leaderId().isPresent()
                        ? Optional.of((long) v.leaderId().getAsInt())
                        : Optional.empty())
            .orElse(-1L),
        Tags.empty());
    if (view.isEmpty()) {
      set(cluster, "fault.tolerance", 0, Tags.empty());
      return;
    }
    QuorumView v = view.get();
    set(cluster, "epoch", v.leaderEpoch(), Tags.empty());
    set(cluster, "voters", v.voters(), Tags.empty());
    set(cluster, "fault.tolerance", v.faultTolerance(), Tags.empty());
    for (Member m : v.members()) {
      set(
          cluster,
          "member.lag",
          m.lag(),
          Tags.of("node_id", Integer.toString(m.nodeId()), "directory_id", m.directoryId()));
    }
  }

  public void leaderChanged(String cluster) {
    Counter.builder("quorumkeeper.leader.changes")
        .description("leader changes seen by the operator")
        .tags(tags(cluster))
        .register(registry)
        .increment();
  }

  private void set(String cluster, String name, long value, Tags extra) {
    Tags tags = tags(cluster).and(extra);
    String key = name + tags;
    values
        .computeIfAbsent(
            key,
            k -> {
              AtomicLong holder = new AtomicLong();
              Gauge.builder("quorumkeeper.quorum." + name, holder, AtomicLong::get)
                  .tags(tags)
                  .register(registry);
              return holder;
            })
        .set(value);
  }

  private static Tags tags(String cluster) {
    int slash = cluster.indexOf('/');
    return Tags.of(
        "namespace", cluster.substring(0, slash), "cluster", cluster.substring(slash + 1));
  }
}
