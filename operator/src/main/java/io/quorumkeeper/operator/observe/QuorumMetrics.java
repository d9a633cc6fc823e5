package io.quorumkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.Condition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.status.Conditions;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The quorum as Prometheus metrics on {@code /q/metrics}: per cluster leader id, epoch, voters and
 * fault tolerance, per member lag, a leader-change counter and how long observations take. A
 * cluster without a known leader reports leader -1. Each condition the operator writes is a 0/1
 * gauge {@code quorumkeeper_cluster_condition{type}}, with {@code HealingBlocked} for a Healing
 * condition whose reason is Blocked and {@code CertificatesExpiring} for a Warning of that reason,
 * so alerts need no access to the API. A member that leaves the quorum loses its gauges; a deleted
 * cluster loses all its meters ({@link #forget}).
 */
public class QuorumMetrics {

  static final String PREFIX = "quorumkeeper.";
  private static final String MEMBER_LAG = "quorum.member.lag";
  private static final String CONDITION = "cluster.condition";
  private static final String CERTIFICATE_EXPIRY = "node.certificate.expiry.timestamp.seconds";

  /** The condition types reported, each 0 while absent from status. */
  static final List<String> CONDITION_TYPES =
      List.of(
          Conditions.READY,
          Conditions.QUORUM_HEALTHY,
          Conditions.HEALING,
          Conditions.SPEC_INVALID,
          Conditions.PAUSED,
          Conditions.WARNING);

  /** Derived type: the Healing condition's reason says the planned step is blocked. */
  static final String HEALING_BLOCKED = "HealingBlocked";

  /**
   * Derived type: the Warning condition's reason says controllers run certificates close to their
   * end (ADR 042), judged with the operator's renewal window.
   */
  public static final String CERTIFICATES_EXPIRING = "CertificatesExpiring";

  /** A gauge's value and the gauge, so it can be removed again. */
  private record Held(AtomicLong value, Gauge gauge) {}

  private final MeterRegistry registry;

  /** Per cluster, its gauges by name and tags. */
  private final Map<String, Map<String, Held>> gauges = new ConcurrentHashMap<>();

  public QuorumMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one observation's duration, tagged by whether a leader answered. */
  public void observed(String cluster, Duration took, boolean answered) {
    Timer.builder(PREFIX + "observation")
        .description("time to ask a cluster's controllers for the quorum's state")
        .tags(tags(cluster).and("answered", Boolean.toString(answered)))
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  public void update(String cluster, Optional<QuorumView> view) {
    set(
        cluster,
        "quorum.leader",
        view.flatMap(
                v ->
                    v.leaderId().isPresent()
                        ? Optional.of((long) v.leaderId().getAsInt())
                        : Optional.empty())
            .orElse(-1L),
        Tags.empty());
    if (view.isEmpty()) {
      set(cluster, "quorum.fault.tolerance", 0, Tags.empty());
      return;
    }
    QuorumView v = view.get();
    set(cluster, "quorum.epoch", v.leaderEpoch(), Tags.empty());
    set(cluster, "quorum.voters", v.voters(), Tags.empty());
    set(cluster, "quorum.fault.tolerance", v.faultTolerance(), Tags.empty());
    Set<String> members = new HashSet<>();
    for (Member m : v.members()) {
      members.add(
          set(
              cluster,
              MEMBER_LAG,
              m.lag(),
              Tags.of("node_id", Integer.toString(m.nodeId()), "directory_id", m.directoryId())));
    }
    dropLeft(cluster, MEMBER_LAG, members);
  }

  /** The conditions of a status the operator computed: 1 for True, 0 otherwise or absent. */
  public void conditions(String cluster, List<Condition> conditions) {
    for (String type : CONDITION_TYPES) {
      set(cluster, CONDITION, Conditions.isTrue(conditions, type) ? 1 : 0, Tags.of("type", type));
    }
    boolean blocked =
        Conditions.find(conditions, Conditions.HEALING)
            .map(c -> "Blocked".equals(c.getReason()))
            .orElse(false);
    set(cluster, CONDITION, blocked ? 1 : 0, Tags.of("type", HEALING_BLOCKED));
    boolean expiring =
        Conditions.find(conditions, Conditions.WARNING)
            .map(c -> "True".equals(c.getStatus()) && CERTIFICATES_EXPIRING.equals(c.getReason()))
            .orElse(false);
    set(cluster, CONDITION, expiring ? 1 : 0, Tags.of("type", CERTIFICATES_EXPIRING));
  }

  /**
   * When the certificate each controller runs expires (seconds since the epoch), as its agent's TLS
   * handshake showed it; a node no longer seen loses its gauge.
   */
  public void certificates(String cluster, Map<Integer, java.time.Instant> notAfter) {
    Set<String> seen = new HashSet<>();
    notAfter.forEach(
        (nodeId, at) ->
            seen.add(
                set(
                    cluster,
                    CERTIFICATE_EXPIRY,
                    at.getEpochSecond(),
                    Tags.of("node_id", Integer.toString(nodeId)))));
    dropLeft(cluster, CERTIFICATE_EXPIRY, seen);
  }

  public void leaderChanged(String cluster) {
    Counter.builder(PREFIX + "leader.changes")
        .description("leader changes seen by the operator")
        .tags(tags(cluster))
        .register(registry)
        .increment();
  }

  /** Removes every meter of a cluster that is gone: gauges, counter and timers. */
  public void forget(String cluster) {
    Map<String, Held> held = gauges.remove(cluster);
    if (held != null) {
      held.values().forEach(h -> registry.remove(h.gauge()));
    }
    Tags tags = tags(cluster);
    List<Meter> left =
        registry.getMeters().stream()
            .filter(m -> m.getId().getName().startsWith(PREFIX))
            .filter(
                m -> tags.stream().allMatch(t -> t.getValue().equals(m.getId().getTag(t.getKey()))))
            .toList();
    left.forEach(registry::remove);
  }

  /** Gauges named {@code name} whose key is not in {@code current}: a member or node gone. */
  private void dropLeft(String cluster, String name, Set<String> current) {
    Map<String, Held> held = gauges.getOrDefault(cluster, Map.of());
    held.keySet().stream()
        .filter(key -> key.startsWith(name) && !current.contains(key))
        .toList()
        .forEach(key -> registry.remove(held.remove(key).gauge()));
  }

  /** Sets a gauge, registering it on first use; returns its key. */
  private String set(String cluster, String name, long value, Tags extra) {
    Tags tags = tags(cluster).and(extra);
    String key = name + tags;
    gauges
        .computeIfAbsent(cluster, c -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            key,
            k -> {
              AtomicLong holder = new AtomicLong();
              Gauge gauge =
                  Gauge.builder(PREFIX + name, holder, AtomicLong::get)
                      .tags(tags)
                      .register(registry);
              return new Held(holder, gauge);
            })
        .value()
        .set(value);
    return key;
  }

  private static Tags tags(String cluster) {
    int slash = cluster.indexOf('/');
    return Tags.of(
        "namespace", cluster.substring(0, slash), "cluster", cluster.substring(slash + 1));
  }
}
