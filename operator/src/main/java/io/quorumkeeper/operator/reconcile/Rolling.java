package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.RollStatus;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.model.KafkaVersions;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.RollAction;
import io.quorumkeeper.operator.quorum.RollFacts;
import io.quorumkeeper.operator.quorum.RollPlanner;
import io.quorumkeeper.operator.quorum.RollPod;
import io.quorumkeeper.operator.quorum.RollStep;
import io.quorumkeeper.operator.status.Conditions;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Executes the roll planner's step: the restart goes into {@code status.roll} first (by the
 * caller's status write), then the pod object is evicted, gracefully and only that object (its
 * uid), so its PodDisruptionBudget is honoured by the API (ADR 024); the StatefulSet ({@code
 * OnDelete}) re-creates it from the current template. An eviction the API refuses is tried again by
 * a later pass and said in the Progressing condition and a Warning event meanwhile.
 */
final class Rolling {

  private static final Logger LOG = Logger.getLogger(Rolling.class);

  /** The planner's step and what status should say about it. */
  record Step(RollAction action, RollStatus roll, String summary, String scaleDownBlocked) {

    Step(RollAction action, RollStatus roll, String summary) {
      this(action, roll, summary, null);
    }

    /**
     * The same step, saying why broker pods the spec dropped are kept ({@link BrokerScaleDown}).
     */
    Step withScaleDownBlocked(String reason) {
      return new Step(action, roll, summary, reason);
    }
  }

  private final PodDeletion pods;

  /** The last eviction the API refused, by cluster: the pod object's uid and the API's reasons. */
  private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();

  record Refusal(String uid, String reasons) {}

  Rolling(PodDeletion pods) {
    this.pods = pods;
  }

  /**
   * Plans this pass's step from the pods, their StatefulSets, the quorum, the ISRs and status.
   *
   * @param healingActs healing has a voter-set change in flight or acts this pass: no roll
   * @param observedAt when the quorum view was observed
   * @param caughtUpWithin how recent a fetch makes a member caught up: a view observed less than
   *     this after the last restart may still show the old incarnation as caught up
   * @param partitions the partitions' ISRs, read only if a roll is on
   */
  Step plan(
      QuorumCluster cr,
      List<Pool> pools,
      Context<QuorumCluster> context,
      Optional<QuorumView> view,
      boolean healingActs,
      Instant observedAt,
      Duration caughtUpWithin,
      Instant now,
      BrokerPartitions partitions) {
    RollStatus previous = cr.getStatus() == null ? null : cr.getStatus().getRoll();
    Instant restartedAt = startedAt(previous);
    if (restartedAt != null && observedAt.isBefore(restartedAt.plus(caughtUpWithin))) {
      RollStep held = new RollStep(previous.getPod(), previous.getUid(), previous.getReason());
      Refusal refused = refusals.get(QuorumObservation.key(cr));
      return new Step(
          new RollAction.Wait("waiting for a view of the quorum newer than the restart", held),
          previous,
          refused != null && refused.uid().equals(previous.getUid())
              ? refusedSummary(previous.getPod(), refused)
              : "waiting for a view of the quorum newer than the restart of " + previous.getPod());
    }
    List<RollPod> rollPods = pods(cr, pools, context);
    boolean rolling = previous != null || rollPods.stream().anyMatch(RollPod::outdated);
    RollFacts facts =
        new RollFacts(
            rollPods,
            view,
            rolling ? partitions.through(pools) : Optional.of(List.of()),
            Optional.ofNullable(previous)
                .map(r -> new RollStep(r.getPod(), r.getUid(), r.getReason())),
            healingActs);
    return step(
        RollPlanner.plan(facts, Healing.blockedBecause(cr)),
        previous,
        now,
        refusals.get(QuorumObservation.key(cr)));
  }

  private static Instant startedAt(RollStatus roll) {
    try {
      return roll == null || roll.getStartedAt() == null
          ? null
          : Instant.parse(roll.getStartedAt());
    } catch (DateTimeParseException e) {
      return null; // an unreadable time (a user's edit) does not hold the roll
    }
  }

  static Step step(RollAction action, RollStatus previous, Instant now) {
    return step(action, previous, now, null);
  }

  /**
   * @param refused the cluster's last eviction the API refused, if any: said while its pod is the
   *     one to restart
   */
  static Step step(RollAction action, RollStatus previous, Instant now, Refusal refused) {
    if (action instanceof RollAction.Restart r) {
      // A restart asked for again (same pod, same uid: its delete never happened) is issued now,
      // so the wait for a view newer than the restart counts from now, never from the first try.
      return new Step(
          action,
          new RollStatus(r.pod(), r.uid(), r.reason(), now.toString()),
          refused != null && refused.uid().equals(r.uid())
              ? refusedSummary(r.pod(), refused)
              : "restarting " + r.pod());
    }
    if (action instanceof RollAction.Wait w) {
      return new Step(action, w.holding() == null ? null : previous, w.reason());
    }
    if (action instanceof RollAction.Blocked b && b.wanted() instanceof RollAction.Restart r) {
      boolean same =
          previous != null
              && r.pod().equals(previous.getPod())
              && r.uid().equals(previous.getUid());
      return new Step(
          action, same ? previous : null, "would restart " + r.pod() + ", but " + b.reason());
    }
    return new Step(action, null, "every pod runs its StatefulSet's current template");
  }

  private static String refusedSummary(String pod, Refusal refused) {
    return "restarting "
        + pod
        + ", whose eviction the API refused (tried again shortly): "
        + refused.reasons();
  }

  /**
   * The Progressing condition: True while pods are outdated, a restarted one is not back, or broker
   * pods the spec dropped are kept for the partition replicas they hold.
   */
  static void report(Conditions conditions, Step step) {
    RollAction action = step.action();
    boolean rolling =
        action instanceof RollAction.Restart
            || action instanceof RollAction.Wait w && w.holding() != null;
    if (action instanceof RollAction.None && step.scaleDownBlocked() != null) {
      conditions.set(Conditions.PROGRESSING, true, "ScaleDownBlocked", step.scaleDownBlocked());
    } else if (action instanceof RollAction.None) {
      conditions.set(Conditions.PROGRESSING, false, "UpToDate", step.summary());
    } else {
      conditions.set(
          Conditions.PROGRESSING, true, rolling ? "Rolling" : "RollBlocked", step.summary());
    }
  }

  /** Evicts the pod of a restart already recorded in status, and reports it. */
  void act(QuorumCluster cr, Step step, EventRecorder events) {
    if (step.action() instanceof RollAction.Restart r) {
      String key = QuorumObservation.key(cr);
      PodDeletion.Eviction eviction =
          pods.evict(cr.getMetadata().getNamespace(), key, r.pod(), r.uid(), r.reason());
      if (eviction.refused()) {
        refusals.put(key, new Refusal(r.uid(), eviction.refusal()));
        events.warning(
            cr,
            EventReason.EvictionRefused,
            r.pod() + " not restarted, the API refused its eviction: " + eviction.refusal());
        return;
      }
      refusals.remove(key);
      if (eviction.evicted()) {
        events.normal(cr, EventReason.RollingRestart, r.pod() + ": " + r.reason());
      }
    }
  }

  /** Every pod the pools want, as the planner sees it. */
  static List<RollPod> pods(QuorumCluster cr, List<Pool> pools, Context<QuorumCluster> context) {
    Map<String, Pod> byName = new HashMap<>();
    context.getSecondaryResources(Pod.class).forEach(p -> byName.put(p.getMetadata().getName(), p));
    List<RollPod> result = new ArrayList<>();
    for (Pool pool : pools) {
      Optional<StatefulSet> set =
          OwnedResources.cache(StatefulSet.class, context)
              .get(new ResourceID(pool.name(), cr.getMetadata().getNamespace()));
      String desired = set.map(Rolling::templateHash).orElse(null);
      String desiredImage = set.map(s -> image(s.getSpec().getTemplate().getSpec())).orElse(null);
      for (int ordinal = 0; ordinal < pool.replicas(); ordinal++) {
        Pod pod = byName.get(pool.podName(ordinal));
        RollPod rollPod = rollPod(pool, ordinal, pod, desired);
        result.add(
            rollPod.outdated()
                ? withChange(rollPod, KafkaVersions.change(image(pod.getSpec()), desiredImage))
                : rollPod);
      }
    }
    return result;
  }

  private static RollPod rollPod(Pool pool, int ordinal, Pod pod, String desired) {
    boolean exists = pod != null;
    // A terminating pod is not outdated: what replaces it comes from the current template.
    boolean terminating = exists && pod.getMetadata().getDeletionTimestamp() != null;
    String hash = exists ? annotation(pod, Labels.TEMPLATE_HASH) : null;
    boolean outdated = exists && !terminating && desired != null && !desired.equals(hash);
    return new RollPod(
        pool.podName(ordinal),
        exists ? pod.getMetadata().getUid() : null,
        pool.nodeId(ordinal),
        pool.kind().hasControllerRole(),
        pool.kind().hasBrokerRole(),
        outdated,
        exists && !terminating && ready(pod));
  }

  private static RollPod withChange(RollPod p, String change) {
    return new RollPod(
        p.pod(), p.uid(), p.nodeId(), p.controller(), p.broker(), p.outdated(), p.ready(), change);
  }

  /** The image of a pod spec's quorum-node container (the first), or null. */
  static String image(io.fabric8.kubernetes.api.model.PodSpec spec) {
    return spec == null || spec.getContainers() == null || spec.getContainers().isEmpty()
        ? null
        : spec.getContainers().get(0).getImage();
  }

  private static String templateHash(StatefulSet set) {
    var meta = set.getSpec().getTemplate().getMetadata();
    return meta == null || meta.getAnnotations() == null
        ? null
        : meta.getAnnotations().get(Labels.TEMPLATE_HASH);
  }

  private static String annotation(Pod pod, String key) {
    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
