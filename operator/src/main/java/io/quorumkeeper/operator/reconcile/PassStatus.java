package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.BrokerCordon;
import io.quorumkeeper.operator.api.v1alpha1.status.KafkaStatus;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumMetrics;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.quorum.QuorumSnapshot;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.status.QuorumReport;
import io.quorumkeeper.operator.status.StatusWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * The one status write of a reconcile pass and what it announces: the composed status, the Kafka
 * versions and finalized metadata.version, the quorum metrics, and the events of the quorum report.
 * Split from {@link QuorumClusterReconciler}, which decides; this reports.
 */
final class PassStatus {

  private static final Logger LOG = Logger.getLogger(QuorumClusterReconciler.class);

  private final Duration refreshEvery;
  private final Duration certificatesWarnWithin;
  private final Clock clock;
  private final QuorumMetrics metrics;
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final Finalization finalization;
  private final Map<String, Instant> leaderSeenAt;
  private final Map<String, Map<Integer, Instant>> certificatesSeen;

  /**
   * @param leaderSeenAt when a leader was last observed, by cluster (the reconciler forgets a
   *     deleted cluster's entry)
   */
  PassStatus(
      Duration refreshEvery,
      Duration certificatesWarnWithin,
      Clock clock,
      QuorumMetrics metrics,
      StatusWriter statusWriter,
      EventRecorder events,
      Finalization finalization,
      Map<String, Instant> leaderSeenAt,
      Map<String, Map<Integer, Instant>> certificatesSeen) {
    this.refreshEvery = refreshEvery;
    this.certificatesWarnWithin = certificatesWarnWithin;
    this.clock = clock;
    this.metrics = metrics;
    this.statusWriter = statusWriter;
    this.events = events;
    this.finalization = finalization;
    this.leaderSeenAt = leaderSeenAt;
    this.certificatesSeen = certificatesSeen;
  }

  /** When a leader was last observed for this cluster by this operator process, if ever. */
  private Instant leaderSeen(QuorumCluster cr, Optional<QuorumView> view) {
    String key = QuorumObservation.key(cr);
    if (view.isPresent()) {
      leaderSeenAt.put(key, clock.instant());
    }
    return leaderSeenAt.get(key);
  }

  /** The one status write of the pass, then what it announces; returns the status as written. */
  QuorumClusterStatus write(
      QuorumClusterReconciler.Pass pass,
      Context<QuorumCluster> context,
      Optional<QuorumSnapshot> snapshot,
      Optional<QuorumView> view) {
    QuorumCluster cr = pass.cr();
    InformerEventSource<StatefulSet, QuorumCluster> sets =
        OwnedResources.cache(StatefulSet.class, context);
    Map<String, Optional<StatefulSet>> current = new LinkedHashMap<>();
    for (Pool pool : pass.model().pools()) {
      current.put(
          pool.name(), sets.get(new ResourceID(pool.name(), cr.getMetadata().getNamespace())));
    }
    Map<Integer, Instant> certificates =
        snapshot
            .map(
                s ->
                    certificatesSeen.compute(
                        QuorumObservation.key(cr),
                        (key, before) ->
                            CertificateExpiry.seen(
                                cr, before == null ? Map.of() : before, s.agents())))
            .orElse(Map.of());
    Optional<String> certificatesExpire =
        CertificateExpiry.warning(cr, certificates, clock.instant(), certificatesWarnWithin);
    StatusComposer.Next next =
        StatusComposer.compose(
            new StatusComposer.Facts(
                cr,
                pass.generation(),
                pass.acceptance(),
                pass.paused(),
                Readiness.of(pass.model().pools(), current),
                snapshot,
                view,
                pass.refused(),
                pass.step(),
                pass.roll(),
                pass.clientsWait(),
                clock.instant(),
                refreshEvery,
                snapshot.isPresent() ? leaderSeen(cr, view) : null,
                certificatesExpire),
            statusWriter.copy(cr.getStatus()),
            pass.conditions());
    if (snapshot.isPresent()) {
      metrics.update(QuorumObservation.key(cr), view); // never behind what status shows
      metrics.certificates(QuorumObservation.key(cr), certificates);
    }
    KafkaStatus kafka =
        KafkaStatuses.of(
            pass.model().pools(),
            context.getSecondaryResources(Pod.class),
            snapshot,
            cr.getStatus() == null ? null : cr.getStatus().getKafka());
    // Only with a leader; without one status keeps the level last read.
    if (view.filter(QuorumView::hasLeader).isPresent()) {
      boolean mayAct = pass.acceptance().valid() && Healing.blockedBecause(cr) == null;
      finalization.report(
          cr,
          pass.model().pools(),
          kafka,
          pass.roll(),
          mayAct,
          events,
          Observed.observation(cr, context));
    }
    next.status().setKafka(kafka);
    if (pass.cordons() != null) {
      next.status().setBrokerCordons(new ArrayList<>(pass.cordons()));
    }
    List<BrokerCordon> cordonsBefore =
        cr.getStatus() == null
            ? List.of()
            : cr.getStatus().getBrokerCordons().stream().filter(Objects::nonNull).toList();
    statusWriter.write(cr, next.status()); // may replace cr's status with the one written
    if (pass.cordons() != null) {
      announceCordons(cr, cordonsBefore, next.status().getBrokerCordons());
    }
    next.notices().forEach(n -> record(cr, n));
    if (!pass.refused().isEmpty()) {
      events.warningOnce(cr, EventReason.ObjectNotWritten, String.join("; ", pass.refused()));
    }
    certificatesExpire.ifPresent(
        message -> events.warningOnce(cr, EventReason.CertificatesExpiring, message));
    return next.status();
  }

  /** A cordon confirmed, or lifted, since the status the pass started from. */
  private void announceCordons(
      QuorumCluster cr, List<BrokerCordon> before, List<BrokerCordon> after) {
    Map<Integer, BrokerCordon> was = new HashMap<>();
    before.stream()
        .filter(b -> b.getNodeId() != null)
        .forEach(b -> was.putIfAbsent(b.getNodeId(), b));
    Set<Integer> confirmed = new TreeSet<>();
    Set<Integer> lifted = new TreeSet<>(was.keySet());
    for (BrokerCordon c : after) {
      lifted.remove(c.getNodeId());
      BrokerCordon b = was.get(c.getNodeId());
      if (c.getCordonedAt() != null && (b == null || b.getCordonedAt() == null)) {
        confirmed.add(c.getNodeId());
      }
    }
    if (!confirmed.isEmpty()) {
      events.normal(
          cr,
          EventReason.BrokersCordoned,
          BrokerCordons.brokers(confirmed)
              + " cordoned (cordoned.log.dirs=*): Kafka places no new partition there; the pods"
              + " go once no partition has a replica on them");
    }
    if (!lifted.isEmpty()) {
      events.normal(
          cr,
          EventReason.BrokerCordonLifted,
          "the cordon of "
              + BrokerCordons.brokers(lifted)
              + " is lifted: the spec asks for it again, and Kafka may place partitions there");
    }
  }

  private void record(QuorumCluster cr, QuorumReport.Notice notice) {
    LOG.infof(
        "cluster=%s/%s %s: %s",
        cr.getMetadata().getNamespace(),
        cr.getMetadata().getName(),
        notice.reason(),
        notice.message());
    if (notice.reason() == EventReason.LeaderChanged) {
      metrics.leaderChanged(QuorumObservation.key(cr));
    }
    if (notice.warning()) {
      events.warning(cr, notice.reason(), notice.message());
    } else {
      events.normal(cr, notice.reason(), notice.message());
    }
  }
}
