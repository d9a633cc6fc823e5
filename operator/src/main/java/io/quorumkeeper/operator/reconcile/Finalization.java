package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.KafkaStatus;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
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
   * Levels this operator asked Kafka to finalize, by cluster, until Kafka shows the outcome (ADR
   * 048): a call that timed out may still commit, like a voter change (KAFKA-20740), and one that
   * committed reaches status only with the status write after it, which a spec edit in between
   * refuses. Until then a downgrade to a Kafka that cannot run the level waits.
   */
  private final Map<String, Confirmed> asked = new ConcurrentHashMap<>();

  Finalization(QuorumClient quorum, Clock clock) {
    this.quorum = quorum;
    this.clock = clock;
  }

  /** Forgets a deleted cluster. */
  void forget(String key) {
    confirmed.remove(key);
    asked.remove(key);
  }

  /**
   * A level this operator asked Kafka to finalize for cluster {@code key} whose outcome Kafka has
   * not shown yet: neither a level at least as high in an observation, nor the old level in one
   * asked the settle time ({@link HealingPolicy#SETTLE_AFTER}) or longer after the call; empty when
   * none. The entry is dropped once Kafka has shown either.
   */
  OptionalInt unsettledAsk(String key, Optional<RaftObservation> observation) {
    Confirmed ask = asked.get(key);
    if (ask == null) {
      return OptionalInt.empty();
    }
    if (observation.isPresent()) {
      OptionalInt level = observation.get().metadataVersion();
      boolean committed = level.isPresent() && level.getAsInt() >= ask.level();
      boolean settled =
          level.isPresent()
              && !observation.get().askedAt().isBefore(ask.at().plus(HealingPolicy.SETTLE_AFTER));
      if (committed || settled) {
        asked.remove(key, ask);
        return OptionalInt.empty();
      }
    }
    return OptionalInt.of(ask.level());
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
    // before the call: one that times out may still commit
    asked.merge(key, new Confirmed(to, clock.instant()), (a, b) -> a.level() > b.level() ? a : b);
    try {
      quorum.finalizeMetadataVersion(key, bootstrap, (short) to);
    } catch (QuorumUnavailableException e) {
      LOG.infof("cluster=%s %s not confirmed yet: %s", key, change, e.getMessage());
      return false;
    }
    LOG.infof("cluster=%s %s finalized", key, change);
    events.normal(cr, EventReason.MetadataVersionFinalized, change);
    return true;
  }
}
