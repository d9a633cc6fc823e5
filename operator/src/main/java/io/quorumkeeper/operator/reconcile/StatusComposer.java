package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.model.AcceptedSpec;
import io.quorumkeeper.operator.model.SpecValidator;
import io.quorumkeeper.operator.quorum.QuorumSnapshot;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.status.QuorumReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The status one pass leads to, as a pure function of what the pass gathered and decided: the
 * reconciler writes it once and records what it announces. Nothing here reads or writes the API.
 */
final class StatusComposer {

  private StatusComposer() {}

  /**
   * What a pass gathered and decided that its status reports.
   *
   * @param cr the resource as it runs (the accepted spec) with the status it was read with
   * @param pods the pools' readiness as their StatefulSets report it
   * @param refused owned objects this pass could not write, one line each
   * @param step the healing step, or null before the quorum was first observed
   * @param roll the rolling-restart step, or null when none was planned
   * @param clientsWait why clients cannot use the cluster yet (its client ACLs are not granted)
   * @param leaderSeen when this operator last saw a leader for the cluster, or null
   * @param certificatesExpire which controllers run a certificate close to its end (ADR 042)
   */
  record Facts(
      QuorumCluster cr,
      long generation,
      Acceptance acceptance,
      boolean paused,
      Readiness pods,
      Optional<QuorumSnapshot> snapshot,
      Optional<QuorumView> view,
      List<String> refused,
      Healing.Step step,
      Rolling.Step roll,
      Optional<String> clientsWait,
      Instant now,
      Duration refreshEvery,
      Instant leaderSeen,
      Optional<String> certificatesExpire) {}

  /** The status to write, and the events its quorum report announces. */
  record Next(QuorumClusterStatus status, List<QuorumReport.Notice> notices) {}

  /**
   * @param next a copy of the previous status, changed in place and returned
   * @param conditions the pass's conditions, SpecInvalid already set when the spec was refused
   */
  static Next compose(Facts f, QuorumClusterStatus next, Conditions conditions) {
    Readiness readiness = f.pods();
    List<QuorumReport.Notice> notices = List.of();
    if (f.snapshot().isPresent()) {
      QuorumReport report =
          QuorumReport.of(
              f.cr().getStatus().getQuorum(),
              f.view(),
              f.snapshot().get().failure(),
              Math.max(
                  f.cr().getSpec().getControllers().desiredVoters(), f.acceptance().votersKept()),
              f.now(),
              f.refreshEvery(),
              f.leaderSeen(),
              f.snapshot().get().agents());
      next.setQuorum(report.status());
      QuorumReport.Verdict verdict = report.verdict();
      conditions.set(
          Conditions.QUORUM_HEALTHY, verdict.healthy(), verdict.reason(), verdict.message());
      if (f.view().isEmpty() && readiness.ready()) {
        readiness =
            report.status().getLeaderId() == null
                ? new Readiness(false, "NoLeader", "pods run but no controller reports a leader")
                : new Readiness(
                    false,
                    "LeaderUnconfirmed",
                    "pods run but Kafka's Admin API has not described the quorum");
      }
      notices = report.notices();
    } else {
      conditions.keep(Conditions.QUORUM_HEALTHY);
    }
    if (readiness.ready() && f.clientsWait().isPresent()) {
      readiness = new Readiness(false, "ClientAccessPending", f.clientsWait().get());
    }
    if (!f.refused().isEmpty()) {
      readiness = new Readiness(false, "ObjectsNotWritten", String.join("; ", f.refused()));
    }
    if (f.acceptance().valid()) {
      conditions.set(Conditions.SPEC_INVALID, false, "SpecAccepted", "the spec is valid");
      next.setLastAcceptedSpec(AcceptedSpec.write(f.cr().getSpec()));
    } else {
      readiness =
          new Readiness(
              false,
              "SpecInvalid",
              "generation " + f.generation() + " is refused; the last accepted spec runs");
    }
    conditions.set(Conditions.READY, readiness.ready(), readiness.reason(), readiness.message());
    setPausedAndWarning(f, conditions);
    if (f.step() != null) {
      next.setOperation(f.step().operation());
      conditions.set(
          Conditions.HEALING,
          f.step().operation() != null,
          f.step().conditionReason(),
          f.step().summary());
    } else {
      conditions.keep(Conditions.HEALING);
    }
    if (f.roll() != null) {
      next.setRoll(f.roll().roll());
      Rolling.report(conditions, f.roll());
    } else {
      conditions.keep(Conditions.PROGRESSING);
    }
    next.setObservedGeneration(f.generation());
    next.setConditions(conditions.build());
    return new Next(next, notices);
  }

  private static void setPausedAndWarning(Facts f, Conditions conditions) {
    conditions.set(
        Conditions.PAUSED,
        f.paused(),
        f.paused() ? "PausedByAnnotation" : "NotPaused",
        f.paused()
            ? "annotation " + QuorumCluster.PAUSED_ANNOTATION + " is true: no changes are made"
            : "the operator acts on this cluster");
    setWarning(conditions, f.acceptance().validation(), f.certificatesExpire());
  }

  /**
   * The Warning condition: certificates close to their end first (the quorum is lost when they
   * expire), then the validation's warnings.
   */
  static void setWarning(
      Conditions conditions, SpecValidator.Result validation, Optional<String> certificates) {
    if (certificates.isEmpty()) {
      setWarning(conditions, validation);
      return;
    }
    List<String> all = new java.util.ArrayList<>(List.of(certificates.get()));
    all.addAll(validation.warnings());
    conditions.set(
        Conditions.WARNING,
        true,
        io.quorumkeeper.operator.observe.QuorumMetrics.CERTIFICATES_EXPIRING,
        String.join("; ", all));
  }

  /** The Warning condition: the validation's warnings, or none. */
  static void setWarning(Conditions conditions, SpecValidator.Result validation) {
    boolean warn = !validation.warnings().isEmpty();
    conditions.set(
        Conditions.WARNING,
        warn,
        warn ? validation.warningReason() : "NoWarnings",
        warn ? String.join("; ", validation.warnings()) : "no warnings");
  }
}
