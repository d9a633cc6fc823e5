package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.HealingMode;
import io.quorumkeeper.operator.api.v1alpha1.status.OperationStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Durations;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import io.quorumkeeper.operator.observe.VoterChangeRefused;
import io.quorumkeeper.operator.quorum.Action;
import io.quorumkeeper.operator.quorum.HealingPlanner;
import io.quorumkeeper.operator.quorum.HealingPolicy;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.Operation;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.status.StatusTimes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Executes the healing planner's step: the operation goes into status first (by the caller's status
 * write), then to Kafka; the next observation shows whether Kafka committed it, and the planner
 * moves it on. A phase already sent is not sent again for {@link #RESEND_AFTER}, so a change Kafka
 * is still committing is never doubled, unless Kafka refused that send before appending anything
 * ({@link VoterChangeRefused}): then it is sent again after a back-off that starts at {@link
 * #RESEND_REFUSED_AFTER}.
 */
final class Healing {

  static final Duration RESEND_AFTER = HealingPolicy.SETTLE_AFTER;
  private static final Logger LOG = Logger.getLogger(Healing.class);

  /** The planner's step, what status should say about it, and whether to send it. */
  record Step(Action action, OperationStatus operation, boolean send, String summary) {

    /** The Healing condition's reason: the operation in flight, or why there is none. */
    String conditionReason() {
      if (operation != null) {
        return operation.getType();
      }
      if (action instanceof Action.Blocked) {
        return "Blocked";
      }
      if (action instanceof Action.Wait) {
        return "Waiting";
      }
      return action instanceof Action.Abandon ? "Abandoned" : "NotNeeded";
    }
  }

  private final QuorumClient quorum;
  private final PodDeletion pods;

  /** Per cluster, its last send Kafka refused before appending, and how many in a row. */
  private final Map<String, Refused> refused = new ConcurrentHashMap<>();

  /**
   * The last refused send (its type, phase and sentAt) and how many sends of that phase of that
   * operation (its type, phase and start) Kafka refused in a row.
   */
  private record Refused(String send, String phase, int inARow) {}

  /**
   * Per cluster, the send its status.operation records (type, phase, startedAt, sentAt) and when
   * this replica first knew of it by its own clock: when it sent it, or when it first read it back
   * from status written by another replica (or an earlier run of this one).
   */
  private final Map<String, Known> known = new ConcurrentHashMap<>();

  private record Known(String send, Instant since) {}

  Healing(KubernetesClient client, QuorumClient quorum) {
    this.quorum = quorum;
    this.pods = new PodDeletion(client, quorum::mayNotWrite);
  }

  /**
   * Whether Kafka refused, before appending anything, the very send that the cluster's
   * status.operation records (its phase and sentAt): nothing of it can commit later.
   */
  boolean lastSendRefused(QuorumCluster cr) {
    OperationStatus op = cr.getStatus() == null ? null : cr.getStatus().getOperation();
    return op != null
        && op.getSentAt() != null
        && refused.getOrDefault(QuorumObservation.key(cr), NONE).send().equals(sendKey(op));
  }

  /**
   * How soon the send status records is sent again after Kafka refused it, null if it was not
   * refused: {@link #RESEND_REFUSED_AFTER} after the first refusal, twice as long after each
   * further one in a row, at most {@link #RESEND_AFTER} (ADR 046). A refusal that never clears (a
   * new voter the leader cannot reach) was sent four times a second for ever, each send a status
   * write, an Admin call and a log line.
   */
  Duration resendRefusedAfter(QuorumCluster cr) {
    return lastSendRefused(cr) ? refusedBackOff(QuorumObservation.key(cr)) : null;
  }

  /** The back-off after the refusals in a row of cluster {@code key} so far. */
  Duration refusedBackOff(String key) {
    int refusals = Math.max(1, refused.getOrDefault(key, NONE).inARow());
    Duration backOff = RESEND_REFUSED_AFTER.multipliedBy(1L << Math.min(refusals - 1, 16));
    return backOff.compareTo(RESEND_AFTER) < 0 ? backOff : RESEND_AFTER;
  }

  /** Drops what is held for a deleted cluster ({@link ClusterForgetter}). */
  void forget(String key) {
    refused.remove(key);
    known.remove(key);
  }

  /**
   * When this replica first knew of the send the cluster's status.operation records, by its own
   * clock: {@code now} the first time it reads one it did not send itself; null when status holds
   * no operation. A send is settled, and sent again, only once {@link #RESEND_AFTER} has passed on
   * this clock too (ADR 047): the status time is another replica's clock, and a successor whose
   * clock runs ahead of it would otherwise take a change sent a moment ago for one long settled.
   */
  Instant knownSince(QuorumCluster cr, Instant now) {
    String key = QuorumObservation.key(cr);
    OperationStatus op = cr.getStatus() == null ? null : cr.getStatus().getOperation();
    if (op == null) {
      known.remove(key);
      return null;
    }
    String send = sendKey(op);
    return known
        .compute(
            key, (k, had) -> had != null && had.send().equals(send) ? had : new Known(send, now))
        .since();
  }

  private static final Refused NONE = new Refused("", "", 0);

  /** One send of one phase of one operation: its type, phase, start and sentAt. */
  private static String sendKey(OperationStatus op) {
    return op.getType() + "/" + op.getPhase() + "@" + op.getStartedAt() + "/" + op.getSentAt();
  }

  /**
   * The planner's step for this pass.
   *
   * @param resendRefusedAfter when Kafka refused the phase status records as sent before appending
   *     it, how soon it is sent again ({@link #resendRefusedAfter}) rather than after {@link
   *     #RESEND_AFTER}; null otherwise
   * @param knownSince when this replica first knew of the send status records ({@link
   *     #knownSince}); its times count from no earlier than this
   */
  static Step plan(
      QuorumCluster cr,
      Optional<QuorumView> view,
      Instant now,
      HealingPolicy policy,
      Duration resendRefusedAfter,
      Instant knownSince) {
    OperationStatus previous = cr.getStatus().getOperation();
    String corrupt = previous == null ? null : unreadable(previous, now);
    if (corrupt != null) {
      // No voter change this pass: what Kafka may still commit is unknown; the next pass plans.
      return new Step(
          new Action.Abandon(null, corrupt),
          null,
          false,
          "cleared an unreadable status.operation (" + corrupt + "); planning resumes next pass");
    }
    Optional<Operation> inFlight =
        Optional.ofNullable(previous).map(s -> toOperation(s).sent(sinceSent(s, now, knownSince)));
    return step(
        HealingPlanner.plan(policy, view, inFlight), previous, now, resendRefusedAfter, knownSince);
  }

  /** What status says of the planner's action, and whether its phase goes to Kafka now. */
  private static Step step(
      Action action,
      OperationStatus previous,
      Instant now,
      Duration resendRefusedAfter,
      Instant knownSince) {
    if (action instanceof Action.Membership m) {
      OperationStatus next = toStatus(m.operation(), previous, now);
      // A refusal is sent again sooner, but never more often than its back-off: each send writes
      // status, whose watch event starts another pass at once.
      boolean samePhaseSent =
          previous != null
              && previous.getSentAt() != null
              && previous.getPhase().equals(next.getPhase())
              && notBefore(Instant.parse(previous.getSentAt()), knownSince)
                  .plus(resendRefusedAfter != null ? resendRefusedAfter : RESEND_AFTER)
                  .isAfter(now);
      if (samePhaseSent) {
        next.setSentAt(previous.getSentAt());
      }
      return new Step(action, next, !samePhaseSent, describe(m.operation()));
    }
    if (action instanceof Action.Complete c) {
      return new Step(action, null, false, "done: " + describe(c.operation()));
    }
    if (action instanceof Action.Abandon a) {
      String summary = "abandoned " + describe(a.operation()) + ": " + a.reason();
      return new Step(action, null, false, summary + "; planning afresh");
    }
    String summary = "the voter set is as desired";
    if (action instanceof Action.Wait w) {
      summary = w.reason();
    } else if (action instanceof Action.Blocked b) {
      summary = "would " + describe(b.wanted()) + ", but " + b.reason();
    } else if (action instanceof Action.DeletePod d) {
      summary = d.reason();
    }
    return new Step(action, previous, false, summary);
  }

  /**
   * How long ago the operation's current phase was sent (or, lacking that, started), if known;
   * counted from no earlier than {@code knownSince}, when this replica first knew of it.
   */
  private static Duration sinceSent(OperationStatus s, Instant now, Instant knownSince) {
    String at = s.getSentAt() != null ? s.getSentAt() : s.getStartedAt();
    return at == null ? null : Duration.between(notBefore(Instant.parse(at), knownSince), now);
  }

  private static Instant notBefore(Instant at, Instant knownSince) {
    return knownSince != null && knownSince.isAfter(at) ? knownSince : at;
  }

  /**
   * What makes a status.operation unreadable (a user's edit, an older operator, a time far ahead of
   * {@code now}), or null if it reads as an operation this operator could have written.
   */
  static String unreadable(OperationStatus s, Instant now) {
    Operation.Kind kind = enumValue(Operation.Kind.class, s.getType());
    Operation.Phase phase = enumValue(Operation.Phase.class, s.getPhase());
    if (kind == null) {
      return "unknown type '" + s.getType() + "'";
    }
    if (phase == null) {
      return "unknown phase '" + s.getPhase() + "'";
    }
    boolean removes = kind != Operation.Kind.AddVoter;
    boolean adds = kind != Operation.Kind.RemoveVoter;
    if (removes != (s.getRemove() != null) || adds != (s.getAdd() != null)) {
      return kind
          + " needs "
          + (removes ? "remove" : "no remove")
          + " and "
          + (adds ? "add" : "no add");
    }
    if (phase == Operation.Phase.Removing ? !removes : !adds) {
      return kind + " has no phase " + phase;
    }
    for (VoterRef ref : new VoterRef[] {s.getRemove(), s.getAdd()}) {
      if (ref != null
          && (ref.getNodeId() < 0
              || ref.getDirectoryId() == null
              || ref.getDirectoryId().isBlank())) {
        return "voter "
            + ref.getNodeId()
            + "/"
            + ref.getDirectoryId()
            + " is not a node id and a directory id";
      }
    }
    for (String time : new String[] {s.getStartedAt(), s.getSentAt()}) {
      try {
        if (time != null && Instant.parse(time).isAfter(now.plus(StatusTimes.AHEAD_AT_MOST))) {
          return "'" + time + "' is later than the operator's clock (" + now + ")";
        }
      } catch (DateTimeParseException e) {
        return "'" + time + "' is not an RFC 3339 time";
      }
    }
    return null;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String name) {
    for (E value : type.getEnumConstants()) {
      if (value.name().equals(name)) {
        return value;
      }
    }
    return null;
  }

  /** When the quorum is worth observing again after a step, besides the periodic poll. */
  enum Next {
    /** Nothing announced a change. */
    AT_THE_TICK,
    /** Kafka confirmed a voter change: the next step can follow at once. */
    AT_ONCE,
    /** Kafka refused a change it may take shortly (its new voter still starting, say). */
    SHORTLY
  }

  /**
   * How soon a phase Kafka refused is sent again, at most: a bounded retry, not a loop. The usual
   * refusal, "New voter ... is not ready to receive requests", comes from the leader's request
   * sender not being ready for that node id; most likely a request still pending to, or backing off
   * from, the incarnation just removed (Kafka's request manager keys connection state by node id,
   * not by incarnation). A resend a second later always went through, and that second's wait was
   * most of the heal's time after the new incarnation caught up (`bench heal`).
   */
  static final Duration RESEND_REFUSED_AFTER = Duration.ofMillis(250);

  /**
   * Carries out a step whose operation status has already been written, and reports it.
   *
   * @return when the quorum is worth observing again
   */
  Next act(QuorumCluster cr, Step step, EventRecorder events) {
    String key = QuorumObservation.key(cr);
    Action action = step.action();
    if (step.operation() == null) {
      refused.remove(key);
    }
    if (action instanceof Action.Membership m && step.send()) {
      // Sent now, by this replica's clock: its sentAt is when this replica first knew of it.
      OperationStatus written = step.operation();
      known.put(key, new Known(sendKey(written), Instant.parse(written.getSentAt())));
      return send(cr, key, m.operation(), written);
    } else if (action instanceof Action.Complete c) {
      LOG.infof("cluster=%s %s", key, step.summary());
      events.normal(cr, reason(c.operation().kind()), step.summary());
    } else if (action instanceof Action.Abandon) {
      LOG.warnf("cluster=%s %s", key, step.summary());
      events.warning(cr, EventReason.OperationAbandoned, step.summary());
    } else if (action instanceof Action.Blocked) {
      events.warningOnce(cr, EventReason.HealingBlocked, step.summary());
    } else if (action instanceof Action.DeletePod d) {
      // At once: the kubelet of a NotReady node cannot confirm a graceful deletion.
      if (pods.delete(cr.getMetadata().getNamespace(), key, d.pod(), d.uid(), 0L, d.reason())) {
        events.warning(cr, EventReason.StrandedPodDeleted, d.pod() + ": " + d.reason());
      }
    }
    return Next.AT_THE_TICK;
  }

  /** Sends the operation's next change, and says when its outcome is worth observing. */
  private Next send(QuorumCluster cr, String key, Operation op, OperationStatus written) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    String bootstrap = controllers.controllerEndpoints();
    try {
      if (op.phase() == Operation.Phase.Removing) {
        LOG.infof("cluster=%s %s: removing voter %s", key, op.kind(), op.remove());
        quorum.removeVoter(key, bootstrap, op.remove());
      } else {
        int ordinal = op.add().nodeId() - controllers.kind().nodeIdOffset();
        LOG.infof("cluster=%s %s: adding voter %s", key, op.kind(), op.add());
        quorum.addVoter(
            key, bootstrap, op.add(), controllers.podHost(ordinal), Pool.CONTROLLER_PORT);
      }
      refused.remove(key);
      return Next.AT_ONCE;
    } catch (VoterChangeRefused e) {
      // Nothing appended: the pass of the observation asked for after the back-off sends it again
      // counted per phase of one operation: another operation, or the next phase, starts afresh
      String phase = written.getType() + "/" + written.getPhase() + "@" + written.getStartedAt();
      Refused before = refused.getOrDefault(key, NONE);
      int refusals = before.phase().equals(phase) ? before.inARow() + 1 : 1;
      refused.put(key, new Refused(sendKey(written), phase, refusals));
      LOG.infof(
          "cluster=%s %s refused by Kafka (%d in a row), sent again in %d ms: %s",
          key, op.kind(), refusals, refusedBackOff(key).toMillis(), e.getMessage());
      return Next.SHORTLY;
    } catch (QuorumUnavailableException e) {
      // Not an error to retry blindly: the next observation shows what Kafka committed.
      LOG.infof("cluster=%s %s not confirmed yet: %s", key, op.kind(), e.getMessage());
      return Next.AT_THE_TICK;
    }
  }

  /** The spec's and annotations' part of the policy; the caller adds what Kubernetes shows. */
  static HealingPolicy policy(QuorumCluster cr, Duration strandedGrace) {
    return new HealingPolicy(
        cr.getSpec().getControllers().desiredVoters(),
        blockedBecause(cr),
        Durations.parse(cr.getSpec().getHealing().getUnreachableAfter()),
        strandedGrace,
        Map.of(),
        Set.of(),
        Map.of(),
        RESEND_AFTER);
  }

  /**
   * Why the operator may not act on the cluster's pods and voters (paused, ReportOnly), or null.
   */
  static String blockedBecause(QuorumCluster cr) {
    Map<String, String> annotations = cr.getMetadata().getAnnotations();
    if (annotations != null && "true".equals(annotations.get(QuorumCluster.PAUSED_ANNOTATION))) {
      return "the cluster is paused (" + QuorumCluster.PAUSED_ANNOTATION + ")";
    }
    return cr.getSpec().getHealing().getMode() == HealingMode.ReportOnly
        ? "healing.mode is ReportOnly"
        : null;
  }

  static Operation toOperation(OperationStatus s) {
    return new Operation(
        Operation.Kind.valueOf(s.getType()),
        s.getRemove() == null
            ? null
            : new Incarnation(s.getRemove().getNodeId(), s.getRemove().getDirectoryId()),
        s.getAdd() == null
            ? null
            : new Incarnation(s.getAdd().getNodeId(), s.getAdd().getDirectoryId()),
        Operation.Phase.valueOf(s.getPhase()));
  }

  static OperationStatus toStatus(Operation op, OperationStatus previous, Instant now) {
    OperationStatus s = new OperationStatus();
    s.setType(op.kind().name());
    s.setRemove(
        op.remove() == null ? null : new VoterRef(op.remove().nodeId(), op.remove().directoryId()));
    s.setAdd(op.add() == null ? null : new VoterRef(op.add().nodeId(), op.add().directoryId()));
    s.setPhase(op.phase().name());
    s.setStartedAt(previous != null ? previous.getStartedAt() : now.toString());
    s.setSentAt(now.toString());
    return s;
  }

  private static EventReason reason(Operation.Kind kind) {
    return switch (kind) {
      case AddVoter -> EventReason.VoterAdded;
      case RemoveVoter -> EventReason.VoterRemoved;
      case ReplaceVoter -> EventReason.VoterReplaced;
      case ActivateSpare -> EventReason.SpareActivated;
    };
  }

  private static String describe(Action action) {
    return action instanceof Action.Membership m ? describe(m.operation()) : action.toString();
  }

  static String describe(Operation op) {
    if (op == null) {
      return "an unreadable operation";
    }
    return switch (op.kind()) {
      case AddVoter -> "add voter " + op.add();
      case RemoveVoter -> "remove voter " + op.remove();
      case ReplaceVoter -> "replace voter " + op.remove() + " by its new incarnation " + op.add();
      case ActivateSpare -> "replace unreachable voter " + op.remove() + " by spare " + op.add();
    };
  }
}
