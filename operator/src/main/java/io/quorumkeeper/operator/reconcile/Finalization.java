package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.KafkaStatus;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.model.AcceptedSpec;
import io.quorumkeeper.operator.model.MetadataVersions;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import io.quorumkeeper.operator.observe.RaftObservation;
import io.quorumkeeper.operator.quorum.HealingPolicy;
import io.quorumkeeper.operator.quorum.RollAction;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * {@code metadata.version}: reads the level the quorum has finalized into {@code status.kafka}, and
 * finalizes the one {@code spec.kafka.metadataVersion} asks for once every pod runs {@code
 * spec.kafka.version} as its own Kafka reports it and no roll is left (ADR 014). Only that feature,
 * only upward, only on request, only while the operator may act (not paused, not ReportOnly).
 */
final class Finalization {

  private static final Logger LOG = Logger.getLogger(Finalization.class);

  private final QuorumClient quorum;
  private final Clock clock;

  /**
   * Levels this operator finalized, by cluster, until an observation made after the change shows
   * them: a pass between the two would read the level from before and finalize again.
   */
  private final Map<String, Confirmed> confirmed = new ConcurrentHashMap<>();

  private record Confirmed(int level, Instant at) {}

  /**
   * Levels this operator asked Kafka to finalize, or a replica before it may have, by cluster,
   * until Kafka shows the outcome (ADR 048): a call that timed out may still commit, like a voter
   * change (KAFKA-20740), and one that committed reaches status only with the status write after
   * it, which a spec edit in between refuses. Until then a downgrade to a Kafka that cannot run the
   * level waits.
   */
  private final Map<String, Ask> asked = new ConcurrentHashMap<>();

  /**
   * A level asked for; {@code at}, when the call ended (or when this replica first saw an ask a
   * replica before it may have made); {@code answered}, Kafka confirmed it committed.
   */
  private record Ask(int level, Instant at, boolean answered) {

    /** The higher level; the later time; confirmed if the higher level's ask was. */
    static Ask merge(Ask a, Ask b) {
      int level = Math.max(a.level(), b.level());
      return new Ask(
          level,
          a.at().isAfter(b.at()) ? a.at() : b.at(),
          (a.level() == level && a.answered()) || (b.level() == level && b.answered()));
    }
  }

  /** Clusters whose possible asks from before this replica's start were looked for. */
  private final Set<String> seeded = ConcurrentHashMap.newKeySet();

  Finalization(QuorumClient quorum, Clock clock) {
    this.quorum = quorum;
    this.clock = clock;
  }

  /** Forgets a deleted cluster. */
  void forget(String key) {
    confirmed.remove(key);
    asked.remove(key);
    seeded.remove(key);
  }

  /**
   * A level this operator asked Kafka to finalize for {@code cr} whose outcome Kafka has not shown
   * yet: neither that level (or higher) in an observation, nor, for a call not confirmed, the old
   * level in one asked the settle time ({@link HealingPolicy#SETTLE_AFTER}) or longer after the
   * call ended; empty when none. An ask a replica before this one may have made (the running spec
   * asks for a level above {@code known} when this replica first sees the cluster: it may have been
   * sent just before a restart or a hand-over) counts from that first sight.
   *
   * @param known the highest finalized level status or the last observation knows, null if none
   */
  OptionalInt unsettledAsk(QuorumCluster cr, Optional<RaftObservation> observation, Integer known) {
    String key = QuorumObservation.key(cr);
    if (seeded.add(key)) {
      requested(cr)
          .filter(level -> known == null || level > known)
          .ifPresent(level -> asked.putIfAbsent(key, new Ask(level, clock.instant(), false)));
    }
    Ask ask = asked.get(key);
    if (ask == null) {
      return OptionalInt.empty();
    }
    if (observation.isPresent()) {
      OptionalInt level = observation.get().metadataVersion();
      boolean committed = level.isPresent() && level.getAsInt() >= ask.level();
      boolean settled =
          !ask.answered()
              && level.isPresent()
              && !observation.get().askedAt().isBefore(ask.at().plus(HealingPolicy.SETTLE_AFTER));
      if (committed || settled) {
        asked.remove(key, ask);
        return OptionalInt.empty();
      }
    }
    return OptionalInt.of(ask.level());
  }

  /** The highest level the running spec (status) or the spec asks for, if any. */
  private static Optional<Integer> requested(QuorumCluster cr) {
    Optional<Integer> stored =
        AcceptedSpec.read(cr)
            .map(s -> s.getKafka() == null ? null : s.getKafka().getMetadataVersion())
            .flatMap(MetadataVersions::level);
    Optional<Integer> inSpec =
        cr.getSpec() == null || cr.getSpec().getKafka() == null
            ? Optional.empty()
            : MetadataVersions.level(cr.getSpec().getKafka().getMetadataVersion());
    return stored.isPresent() && inSpec.isPresent()
        ? Optional.of(Math.max(stored.get(), inSpec.get()))
        : stored.or(() -> inSpec);
  }

  /**
   * Sets the finalized level on {@code kafka} (kept from before when the quorum did not answer),
   * finalizing first when due and {@code mayAct}.
   *
   * @param observation the last observation, whose finalized level is used: read there, not here,
   *     since a call to a leader that just died would hold this pass, and the status it writes, for
   *     the call's whole bound (issue 15)
   */
  void report(
      QuorumCluster cr,
      List<Pool> pools,
      KafkaStatus kafka,
      Rolling.Step roll,
      boolean mayAct,
      EventRecorder events,
      Optional<RaftObservation> observation) {
    String key = QuorumObservation.key(cr);
    String bootstrap = pools.get(0).controllerEndpoints();
    OptionalInt observed =
        observation.map(RaftObservation::metadataVersion).orElse(OptionalInt.empty());
    if (observed.isEmpty()) {
      LOG.debugf("cluster=%s finalized metadata.version unknown in the last observation", key);
      return;
    }
    int finalized = observed.getAsInt();
    Confirmed mine = confirmed.get(key);
    if (mine != null && observation.get().observedAt().isAfter(mine.at())) {
      confirmed.remove(key, mine); // Kafka's own word from after the change stands
    } else if (mine != null) {
      finalized = Math.max(finalized, mine.level()); // the level only goes up
    }
    Optional<Integer> requested =
        MetadataVersions.level(cr.getSpec().getKafka().getMetadataVersion());
    if (mayAct && requested.isPresent() && requested.get() > finalized) {
      String waits = waitsFor(cr, kafka, roll);
      if (waits == null && finalize(cr, key, bootstrap, finalized, requested.get(), events)) {
        finalized = requested.get();
        confirmed.put(key, new Confirmed(finalized, clock.instant()));
      } else if (waits != null) {
        LOG.debugf("cluster=%s metadata.version not finalized yet: %s", key, waits);
      }
    }
    kafka.setMetadataVersionLevel(finalized);
    kafka.setMetadataVersion(MetadataVersions.name(finalized));
  }

  /** Why the requested level must wait, or null when every pod runs the spec's Kafka. */
  static String waitsFor(QuorumCluster cr, KafkaStatus kafka, Rolling.Step roll) {
    if (roll == null || !(roll.action() instanceof RollAction.None)) {
      return "the roll is not over";
    }
    String version = cr.getSpec().getKafka().getVersion();
    if (!List.of(version).equals(kafka.getRunningVersions())) {
      return "pods run Kafka " + kafka.getRunningVersions() + ", not only " + version;
    }
    return null;
  }

  private boolean finalize(
      QuorumCluster cr, String key, String bootstrap, int from, int to, EventRecorder events) {
    String change =
        "metadata.version " + MetadataVersions.name(from) + " -> " + MetadataVersions.name(to);
    try {
      quorum.finalizeMetadataVersion(key, bootstrap, (short) to);
      asked.merge(key, new Ask(to, clock.instant(), true), Ask::merge);
    } catch (QuorumUnavailableException e) {
      // may still commit: counted from now, when the call gave up
      asked.merge(key, new Ask(to, clock.instant(), false), Ask::merge);
      LOG.infof("cluster=%s %s not confirmed yet: %s", key, change, e.getMessage());
      return false;
    }
    LOG.infof("cluster=%s %s finalized", key, change);
    events.normal(cr, EventReason.MetadataVersionFinalized, change);
    return true;
  }
}
