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
import io.quorumkeeper.operator.quorum.Action;
import io.quorumkeeper.operator.quorum.HealingPlanner;
import io.quorumkeeper.operator.quorum.HealingPolicy;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.Operation;
import io.quorumkeeper.operator.quorum.QuorumView;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Executes the healing planner's step: the operation goes into status first (by the caller's status
 * write), then to Kafka; the next observation shows whether Kafka committed it, and the planner
 * moves it on. A phase already sent is not sent again for {@link #RESEND_AFTER}, so a change Kafka
 * is still committing is never doubled.
 */
final class Healing {

  static final Duration RESEND_AFTER = Duration.ofSeconds(10);
  private static final Logger LOG = Logger.getLogger(Healing.class);

  /** The planner's step, what status should say about it, and whether to send it. */
  record Step(Action action, OperationStatus operation, boolean send, String summary) {}

  private final KubernetesClient client;
  private final QuorumClient quorum;

  Healing(KubernetesClient client, QuorumClient quorum) {
    this.client = client;
    this.quorum = quorum;
  }

  static Step plan(QuorumCluster cr, Optional<QuorumView> view, Instant now, HealingPolicy policy) {
    OperationStatus previous = cr.getStatus().getOperation();
    Optional<Operation> inFlight = Optional.ofNullable(previous).map(Healing::toOperation);
    Action action = HealingPlanner.plan(policy, view, inFlight);
    if (action instanceof Action.Membership m) {
      OperationStatus next = toStatus(m.operation(), previous, now);
      boolean samePhaseSent =
          previous != null
              && previous.getSentAt() != null
              && previous.getPhase().equals(next.getPhase())
              && Instant.parse(previous.getSentAt()).plus(RESEND_AFTER).isAfter(now);
      if (samePhaseSent) {
        next.setSentAt(previous.getSentAt());
      }
      return new Step(action, next, !samePhaseSent, describe(m.operation()));
    }
    if (action instanceof Action.Complete) {
      return new Step(
          action, null, false, "done: " + describe(((Action.Complete) action).operation()));
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

  /** Performs a step whose operation status has already been written, and reports it. */
  void act(QuorumCluster cr, Step step, EventRecorder events) {
    String key = QuorumObservation.key(cr);
    Action action = step.action();
    if (action instanceof Action.Membership m && step.send()) {
      send(cr, key, m.operation());
    } else if (action instanceof Action.Complete c) {
      LOG.infof("cluster=%s %s", key, step.summary());
      events.normal(cr, reason(c.operation().kind()), step.summary());
    } else if (action instanceof Action.Blocked) {
      events.warningOnce(cr, EventReason.HealingBlocked, step.summary());
    } else if (action instanceof Action.DeletePod d) {
      LOG.infof("cluster=%s deleting pod %s: %s", key, d.pod(), d.reason());
      // Forced: the kubelet of a NotReady node cannot confirm a graceful deletion, and the
      // StatefulSet controller re-creates the pod only once the old object is gone.
      client
          .pods()
          .inNamespace(cr.getMetadata().getNamespace())
          .withName(d.pod())
          .withGracePeriod(0)
          .delete();
      events.warning(cr, EventReason.StrandedPodDeleted, d.pod() + ": " + d.reason());
    }
  }

  private void send(QuorumCluster cr, String key, Operation op) {
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
    } catch (QuorumUnavailableException e) {
      // Not an error to retry blindly: the next observation shows what Kafka committed.
      LOG.infof("cluster=%s %s not confirmed yet: %s", key, op.kind(), e.getMessage());
    }
  }

  /** The spec's and annotations' part of the policy; the caller adds what Kubernetes shows. */
  static HealingPolicy policy(QuorumCluster cr, Duration strandedGrace) {
    String blocked = null;
    Map<String, String> annotations = cr.getMetadata().getAnnotations();
    if (annotations != null && "true".equals(annotations.get(QuorumCluster.PAUSED_ANNOTATION))) {
      blocked = "the cluster is paused (" + QuorumCluster.PAUSED_ANNOTATION + ")";
    } else if (cr.getSpec().getHealing().getMode() == HealingMode.ReportOnly) {
      blocked = "healing.mode is ReportOnly";
    }
    return new HealingPolicy(
        cr.getSpec().getControllers().desiredVoters(),
        blocked,
        Durations.parse(cr.getSpec().getHealing().getUnreachableAfter()),
        strandedGrace,
        Map.of(),
        Set.of(),
        Map.of());
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
    return switch (op.kind()) {
      case AddVoter -> "add voter " + op.add();
      case RemoveVoter -> "remove voter " + op.remove();
      case ReplaceVoter -> "replace voter " + op.remove() + " by its new incarnation " + op.add();
      case ActivateSpare -> "replace unreachable voter " + op.remove() + " by spare " + op.add();
    };
  }
}
