package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.BrokerCordon;
import io.quorumkeeper.operator.model.MetadataVersions;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The cordons (KIP-1066) of brokers a shrinking pool drops, as {@code status.brokerCordons} records
 * them (docs/operations.md, "Removing brokers"; ADR 029).
 *
 * <p>Kafka goes on placing new partitions on a broker until it is gone, so one read of the
 * partitions before the pods go can miss a topic created in the same moment. A broker whose log
 * directories are cordoned ({@code cordoned.log.dirs=*}) gets no new replica once the controllers
 * know it, which the broker tells them in its next heartbeat. So a leaving broker is recorded in
 * status first (the pass's status write), cordoned by the next passes, counted as cordoned from
 * when it reports so, and its partitions are read only a settling time later: twice the broker
 * heartbeat interval. Each pass of a shrink asks the leaving brokers again; a cordon found gone
 * (lifted behind the operator's back, or by a lift whose status write was refused) has its time
 * cleared in status before it is set again, and settles again. A broker that does not run is not
 * asked: Kafka places nothing on a fenced broker.
 *
 * <p>Kafka keeps a cordon under the broker's id after its pod is gone, so a broker the spec asks
 * for again (a scale-down cancelled, a later scale-up) would start cordoned: the operator lifts the
 * cordons it recorded once such a broker runs, and only those.
 */
final class BrokerCordons {

  /** metadata.version 4.3-IV0, the first level whose brokers take {@code cordoned.log.dirs}. */
  static final int LEVEL = MetadataVersions.level("4.3-IV0").orElseThrow();

  static final String HEARTBEAT_INTERVAL = "broker.heartbeat.interval.ms";
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(2);
  static final Duration MAX_SETTLE = Duration.ofMinutes(1);

  /** How long a failure's cause may be in a condition message. */
  static final int CAUSE_CHARS = 300;

  private final BrokerPartitions brokers;
  private final List<Pool> reading;
  private final Duration settle;
  private final List<BrokerCordon> recorded;

  private BrokerCordons(
      BrokerPartitions brokers, List<Pool> reading, Duration settle, List<BrokerCordon> recorded) {
    this.brokers = brokers;
    this.reading = reading;
    this.settle = settle;
    this.recorded = recorded;
  }

  /**
   * The cordons status records, each id once, with a time only if it parses and is not ahead of
   * {@code now} (a hand edit: the cordon is then confirmed again).
   *
   * @param reading the pools with every broker pod that runs, through which Kafka is asked
   */
  static BrokerCordons of(
      QuorumCluster cr, BrokerPartitions brokers, List<Pool> reading, Instant now) {
    List<BrokerCordon> recorded = new ArrayList<>();
    Set<Integer> seen = new TreeSet<>();
    if (cr.getStatus() != null) {
      for (BrokerCordon c : cr.getStatus().getBrokerCordons()) {
        if (c != null && c.getNodeId() != null && seen.add(c.getNodeId())) {
          recorded.add(new BrokerCordon(c.getNodeId(), pastTime(c.getCordonedAt(), now)));
        }
      }
    }
    return new BrokerCordons(brokers, reading, settle(cr), recorded);
  }

  /** Whether the finalized metadata.version the brokers run by lets them be cordoned. */
  static boolean supported(Integer level) {
    return level != null && level >= LEVEL;
  }

  /**
   * Twice the heartbeat interval the brokers run with, at most a minute; the longest for a value
   * Kafka would refuse.
   */
  static Duration settle(QuorumCluster cr) {
    Map<String, String> config =
        cr.getSpec() == null || cr.getSpec().getKafka() == null
            ? null
            : cr.getSpec().getKafka().getConfig();
    String set = config == null ? null : config.get(HEARTBEAT_INTERVAL);
    long heartbeat = DEFAULT_HEARTBEAT.toMillis();
    if (set != null) {
      try {
        heartbeat = Long.parseLong(set.trim());
      } catch (NumberFormatException e) {
        heartbeat = -1;
      }
    }
    long max = MAX_SETTLE.toMillis();
    return Duration.ofMillis(heartbeat < 0 ? max : Math.min(Math.min(heartbeat, max) * 2, max));
  }

  /** The node ids of {@code pool}'s ordinals {@code from} (inclusive) to {@code to}. */
  static Set<Integer> nodeIds(Pool pool, int from, int to) {
    Set<Integer> ids = new TreeSet<>();
    for (int ordinal = from; ordinal < to; ordinal++) {
      ids.add(pool.nodeId(ordinal));
    }
    return ids;
  }

  /** What status is to record. */
  List<BrokerCordon> recorded() {
    return List.copyOf(recorded);
  }

  /**
   * Lifts the cordon of every recorded broker that {@code wanted} (the pools as the spec sizes
   * them, not as they are kept) asks for again, once it runs; its entry goes then.
   */
  void liftWanted(List<Pool> wanted) {
    Set<Integer> ids = new TreeSet<>();
    for (Pool pool : wanted) {
      if (pool.kind().hasBrokerRole()) {
        ids.addAll(nodeIds(pool, 0, pool.replicas()));
      }
    }
    Set<Integer> lift = ids(c -> ids.contains(c.getNodeId()));
    if (!lift.isEmpty()) {
      Set<Integer> lifted = brokers.uncordon(reading, lift).orElse(Set.of());
      recorded.removeIf(c -> lifted.contains(c.getNodeId()));
    }
  }

  /**
   * Records, cordons and waits for the {@code leaving} brokers; empty once each is cordoned for the
   * settling time (or does not run), so that their partitions may be read.
   */
  Optional<BrokerScaleDown.Hold> cordon(Set<Integer> leaving, Instant now) {
    Set<Integer> missing = new TreeSet<>(leaving);
    missing.removeAll(ids(c -> true));
    if (!missing.isEmpty()) {
      missing.forEach(id -> recorded.add(new BrokerCordon(id, null)));
      return Optional.of(
          BrokerScaleDown.Hold.cordoning(
              "the spec drops broker pods: cordoning "
                  + brokers(leaving)
                  + " first (cordoned.log.dirs), so that Kafka places no new partition there"
                  + " before the partitions there are read"));
    }
    // Only a broker whose status entry has no time is asked to cordon: a pass that finds a timed
    // cordon gone clears the time first, so a time in status is never older than the cordon even
    // when that pass's status write is refused.
    Set<Integer> mayAsk = ids(c -> leaving.contains(c.getNodeId()) && c.getCordonedAt() == null);
    Optional<QuorumClient.Cordons> answer = brokers.cordon(reading, leaving, mayAsk);
    if (answer.isEmpty()) {
      return Optional.of(
          BrokerScaleDown.Hold.blocked(
              "the spec drops broker pods, but "
                  + brokers(leaving)
                  + " cannot be cordoned ("
                  + cause(brokers.lastFailure())
                  + "): their pods stay until they can"));
    }
    Set<Integer> waiting = new TreeSet<>();
    Instant readAt = now;
    for (BrokerCordon c : recorded) {
      int id = c.getNodeId();
      if (!leaving.contains(id) || answer.get().absent().contains(id)) {
        continue;
      }
      if (!answer.get().cordoned().contains(id)) {
        c.setCordonedAt(null); // asked, or asked by the next pass; its time starts with the report
        waiting.add(id);
        continue;
      }
      if (c.getCordonedAt() == null) {
        c.setCordonedAt(now.toString());
      }
      Instant at = Instant.parse(c.getCordonedAt()).plus(settle);
      readAt = at.isAfter(readAt) ? at : readAt;
    }
    if (!waiting.isEmpty()) {
      return Optional.of(
          BrokerScaleDown.Hold.cordoning(
              "the spec drops broker pods: waiting for the cordon of "
                  + brokers(waiting)
                  + " (cordoned.log.dirs) to take effect before the partitions there are read"));
    }
    if (readAt.isAfter(now)) {
      return Optional.of(
          BrokerScaleDown.Hold.cordoning(
              "the spec drops broker pods: the cordon of "
                  + brokers(leaving)
                  + " is in place; the partitions there are read at "
                  + readAt
                  + ", once the controllers have had a heartbeat to learn of it"));
    }
    return Optional.empty();
  }

  /** "broker 103" or "brokers 102, 103". */
  static String brokers(Set<Integer> ids) {
    return (ids.size() == 1 ? "broker " : "brokers ")
        + ids.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }

  /** A failure's cause on one line, bounded. */
  private static String cause(String message) {
    String line = String.valueOf(message).replaceAll("\\s+", " ").trim();
    return line.length() <= CAUSE_CHARS ? line : line.substring(0, CAUSE_CHARS) + "...";
  }

  private Set<Integer> ids(Predicate<BrokerCordon> which) {
    return recorded.stream()
        .filter(which)
        .map(BrokerCordon::getNodeId)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String pastTime(String at, Instant now) {
    if (at == null) {
      return null;
    }
    try {
      return Instant.parse(at).isAfter(now) ? null : at;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
