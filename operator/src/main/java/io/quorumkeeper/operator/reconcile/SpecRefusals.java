package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.status.StatusWriter;
import org.jboss.logging.Logger;

/** How a pass reports a refused spec: the condition, one event per new refusal, and the status. */
final class SpecRefusals {

  private static final Logger LOG = Logger.getLogger(SpecRefusals.class);

  private final EventRecorder events;
  private final StatusWriter statusWriter;

  SpecRefusals(EventRecorder events, StatusWriter statusWriter) {
    this.events = events;
    this.statusWriter = statusWriter;
  }

  /** The SpecInvalid event, once per new refusal; the condition goes out with the status. */
  void report(QuorumCluster cr, Conditions conditions, Acceptance acceptance) {
    String message = String.join("; ", acceptance.validation().errors());
    conditions.set(Conditions.SPEC_INVALID, true, "InvalidSpec", message);
    if (conditions.becameTrue(Conditions.SPEC_INVALID)
        || conditions.changedWhileTrue(Conditions.SPEC_INVALID)) {
      LOG.warnf(
          "cluster=%s spec rejected, the last accepted spec keeps running: %s",
          QuorumObservation.key(cr), message);
      events.warning(cr, EventReason.SpecInvalid, message);
    }
  }

  /** The status of a cluster no spec of which was ever accepted: nothing runs to report on. */
  void writeNeverAccepted(
      QuorumCluster cr,
      QuorumClusterStatus previous,
      Conditions conditions,
      long generation,
      Acceptance acceptance) {
    conditions.set(
        Conditions.READY,
        false,
        "SpecInvalid",
        previous.getLastAcceptedSpec() == null
            ? "no spec of this cluster was accepted yet"
            : "neither this spec nor status.lastAcceptedSpec passes the checks: nothing is run,"
                + " observed or healed until a spec is accepted");
    conditions.keep(Conditions.QUORUM_HEALTHY);
    if (acceptance.validation().warnings().isEmpty()) {
      conditions.keep(Conditions.WARNING);
    } else {
      StatusComposer.setWarning(conditions, acceptance.validation());
    }
    QuorumClusterStatus next = statusWriter.copy(previous);
    next.setObservedGeneration(generation);
    next.setConditions(conditions.build());
    statusWriter.write(cr, next);
  }
}
