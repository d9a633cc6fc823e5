package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.status.RollStatus;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.model.DisruptionBudgetModel;
import io.quorumkeeper.operator.model.KafkaVersions;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.MetadataVersions;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.RollAction;
import io.quorumkeeper.operator.quorum.RollFacts;
import io.quorumkeeper.operator.quorum.RollPlanner;
import io.quorumkeeper.operator.quorum.RollPod;
import io.quorumkeeper.operator.quorum.RollStep;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.status.StatusTimes;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Executes the roll planner's step: the restart goes into {@code status.roll} first (by the
 * caller's status write), then the pod object is evicted, gracefully and only that object (its
 * uid), so its PodDisruptionBudget is honoured by the API (ADR 024); the StatefulSet ({@code
 * OnDelete}) re-creates it from the current template. An eviction the API refuses blocks the roll,
 * said in the Progressing condition and an event, until a later pass asks again.
 */
final class Rolling {

  private static final Logger LOG = Logger.getLogger(Rolling.class);

  /**
   * The planner's step and what status should say about it.
   *
   * @param alone the pod to restart is deleted, not evicted: its pool's only one, or one not Ready
   *     while its pool's budget allows no eviction (see {@link #act})
   * @param voter the controller node id of the pod to restart, asked about once more just before
   *     its eviction or delete (see {@link #act}); null for a pod without the controller role or
   *     alone in its pool
   */
  record Step(
      RollAction action,
      RollStatus roll,
      String summary,
      BrokerScaleDown.Hold scaleDownHeld,
      boolean alone,
      Integer voter) {

    Step(RollAction action, RollStatus roll, String summary) {
      this(action, roll, summary, null, false, null);
    }

    /**
     * The same step, saying why broker pods the spec dropped are kept ({@link BrokerScaleDown}).
     */
    Step withScaleDownHeld(BrokerScaleDown.Hold held) {
      return new Step(action, roll, summary, held, alone, voter);
    }

    /** The same step, for a pod that is its pool's only one. */
    Step inPoolOfOne() {
      return new Step(action, roll, summary, scaleDownHeld, true, voter);
    }

    /** The same step, for the pod of controller {@code nodeId}. */
    Step ofController(int nodeId) {
      return new Step(action, roll, summary, scaleDownHeld, alone, nodeId);
    }
  }

  private final PodDeletion pods;

  /** The evictions the API refuses, by cluster: the last pod object refused. */
  private final Map<String, Refusal> refusals = new ConcurrentHashMap<>();

  /** The first retry after a refused eviction; each further one waits twice as long. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(5);

  /** The longest wait between two evictions of a pod the API keeps refusing. */
  static final Duration LONGEST_RETRY = Duration.ofSeconds(60);

  /**
   * The API refused evicting the pod object {@code uid} {@code times} times in a row since {@code
   * since}, the last time for {@code reasons}; it is asked again from {@code retryAt}.
   */
  record Refusal(String uid, String reasons, Instant since, int times, Instant retryAt) {

    static Refusal first(String uid, String reasons, Instant now) {
      return new Refusal(uid, reasons, now, 1, now.plus(FIRST_RETRY));
    }

    Refusal again(String reasons, Instant now) {
      Duration wait = FIRST_RETRY.multipliedBy(1L << Math.min(times, 4));
      return new Refusal(
          uid,
          reasons,
          since,
          times + 1,
          now.plus(wait.compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : wait));
    }

    String describe() {
      return "the API refused its eviction "
          + (times == 1 ? "once" : times + " times since " + since)
          + " ("
          + reasons
          + "); it is asked again from "
          + retryAt;
    }
  }

  Rolling(PodDeletion pods) {
    this.pods = pods;
  }

  /**
   * Plans this pass's step from the pods, their StatefulSets, the quorum, the ISRs and status.
   *
   * @param healingActs healing has a voter-set change in flight or acts this pass: no roll
   * @param askedAt when Kafka was asked for the quorum view (it describes the quorum as of some
   *     moment after this, however long the call took)
   * @param caughtUpWithin how recent a fetch makes a member caught up: a view asked for less than
   *     this after the last restart may still show the old incarnation as caught up, and a
   *     controller is restarted only on a view asked less than this before now
   * @param settle how long every pod must have been Ready before the next restart
   * @param partitions the partitions' ISRs, read only if a roll is on
   * @param finalized the highest metadata.version level the cluster has or may have finalized (null
   *     while unknown): no pod is restarted onto a Kafka that cannot run it
   */
  Step plan(
      QuorumCluster cr,
      List<Pool> pools,
      Context<QuorumCluster> context,
      Optional<QuorumView> view,
      boolean healingActs,
      Instant askedAt,
      Duration caughtUpWithin,
      Duration settle,
      Instant now,
      BrokerPartitions partitions,
      Integer finalized) {
    RollStatus previous = cr.getStatus() == null ? null : cr.getStatus().getRoll();
    String key = QuorumObservation.key(cr);
    Refusal refused = refusals.get(key);
    Instant restartedAt = startedAt(previous, now);
    // A refused eviction restarted nothing: no view newer than it is needed.
    boolean restarted =
        restartedAt != null && (refused == null || !refused.uid().equals(previous.getUid()));
    if (restarted && askedAt.isBefore(restartedAt.plus(caughtUpWithin))) {
      RollStep held = new RollStep(previous.getPod(), previous.getUid(), previous.getReason());
      return new Step(
          new RollAction.Wait("waiting for a view of the quorum newer than the restart", held),
          previous,
          "waiting for a view of the quorum newer than the restart of " + previous.getPod());
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
            healingActs,
            now,
            settle);
    RollAction action = RollPlanner.plan(facts, Healing.blockedBecause(cr));
    if (action instanceof RollAction.Restart r) {
      String wouldNotStart = wouldNotStart(cr, r.pod(), pools, context, finalized);
      if (wouldNotStart != null) {
        action = new RollAction.Blocked(action, wouldNotStart);
      }
    }
    if (action instanceof RollAction.Restart r
        && inControllerPool(r.pod(), pools)
        && askedAt.isBefore(now.minus(caughtUpWithin))) {
      // The voters the planner found caught up were caught up when Kafka was asked: one that has
      // stalled since (a blocked disk) still looks caught up in an old view, and restarting another
      // voter then leaves the leader alone. A view asked within the fetch timeout comes with the
      // next observation.
      action =
          new RollAction.Wait(
              "the quorum view was asked "
                  + Duration.between(askedAt, now).toMillis()
                  + " ms ago; "
                  + r.pod()
                  + " restarts on a view asked within "
                  + caughtUpWithin.toMillis()
                  + " ms",
              null);
    }
    if (refused != null) {
      boolean same = action instanceof RollAction.Restart r && r.uid().equals(refused.uid());
      if (same && now.isBefore(refused.retryAt())) {
        action = new RollAction.Blocked(action, refused.describe());
      } else if (!same && !(action instanceof RollAction.Wait)) {
        refusals.remove(key); // that pod went another way, or the roll is over
      }
    }
    Step step = step(action, previous, now);
    if (!(action instanceof RollAction.Restart r)) {
      return step;
    }
    boolean poolOfOne = aloneInPool(r.pod(), pools);
    Optional<RollPod> pod = rollPods.stream().filter(p -> p.pod().equals(r.pod())).findFirst();
    if (pod.filter(RollPod::controller).isPresent() && !poolOfOne) {
      // a pool of one has no majority to keep, and a crash-looping sole controller would never
      // answer the ask that its restart must fix
      step = step.ofController(pod.get().nodeId());
    }
    return poolOfOne || downUnderAClosedBudget(cr, r.pod(), pools, rollPods)
        ? step.inPoolOfOne()
        : step;
  }

  /**
   * Why {@code pod}, restarted, would run a Kafka that cannot run the finalized metadata.version,
   * or null (ADR 048). Acceptance refuses such a downgrade, but a StatefulSet can carry one all the
   * same: a spec accepted while a finalization was on its way, a level finalized by hand with
   * {@code kafka-features} during a downgrade's roll, a {@code status.lastAcceptedSpec} written by
   * hand. Each pod the roll restarted would stop at start, and the roll would wait on it with one
   * voter fewer; this keeps every running pod as it is.
   */
  private static String wouldNotStart(
      QuorumCluster cr,
      String pod,
      List<Pool> pools,
      Context<QuorumCluster> context,
      Integer finalized) {
    if (finalized == null) {
      return null;
    }
    String version =
        poolOf(pod, pools)
            .flatMap(
                p ->
                    OwnedResources.cache(StatefulSet.class, context)
                        .get(new ResourceID(p.name(), cr.getMetadata().getNamespace())))
            .map(s -> KafkaVersions.tag(image(s.getSpec().getTemplate().getSpec())))
            .orElse(null);
    Optional<Integer> runs = MetadataVersions.latest(version);
    if (runs.isEmpty() || runs.get() >= finalized) {
      return null;
    }
    return "its StatefulSet runs Kafka "
        + version
        + ", which runs metadata.version at most "
        + MetadataVersions.name(runs.get())
        + ", below the "
        + MetadataVersions.name(finalized)
        + " this cluster has or may have finalized: "
        + WOULD_NOT_START
        + ". Set"
        + " spec.kafka.version to a release that runs it (docs/upgrades.md)";
  }

  /** How the reason of a restart {@link #wouldNotStart} held reads, for its event. */
  static final String WOULD_NOT_START = "the pod would not start";

  /** Whether {@code pod} belongs to a pool with the controller role. */
  private static boolean inControllerPool(String pod, List<Pool> pools) {
    return poolOf(pod, pools).filter(p -> p.kind().hasControllerRole()).isPresent();
  }

  /** The pool whose pods are named {@code <pool>-<ordinal>} like {@code pod}, if any. */
  private static Optional<Pool> poolOf(String pod, List<Pool> pools) {
    return pools.stream()
        .filter(
            p ->
                pod.startsWith(p.name() + "-")
                    && pod.substring(p.name().length() + 1).chars().allMatch(Character::isDigit))
        .findFirst();
  }

  /**
   * Whether {@code pod} is not Ready in a pool whose budget allows no eviction (ADR 035): the API
   * would refuse evicting it, so a crash-looping voter could never get a fixed configuration. The
   * planner restarts a voter only while the others keep a caught-up majority, so with no fault
   * tolerance left the pod it picks carries no part of that majority: deleting it costs none.
   */
  private static boolean downUnderAClosedBudget(
      QuorumCluster cr, String pod, List<Pool> pools, List<RollPod> rollPods) {
    return rollPods.stream().anyMatch(p -> p.pod().equals(pod) && !p.ready())
        && poolOf(pod, pools).filter(p -> DisruptionBudgetModel.closed(cr, p)).isPresent();
  }

  /** Whether {@code pod} belongs to a pool of one pod. */
  private static boolean aloneInPool(String pod, List<Pool> pools) {
    return pools.stream().anyMatch(p -> p.replicas() == 1 && p.podName(0).equals(pod));
  }

  private static Instant startedAt(RollStatus roll, Instant now) {
    // an unreadable time (a user's edit), or one far ahead of this clock, does not hold the roll:
    // a wait for a view newer than it would last as long
    return StatusTimes.readable(roll == null ? null : roll.getStartedAt(), now);
  }

  static Step step(RollAction action, RollStatus previous, Instant now) {
    if (action instanceof RollAction.Restart r) {
      // A restart asked for again (same pod, same uid: its eviction never happened) is issued now,
      // so the wait for a view newer than the restart counts from now, never from the first try.
      return new Step(
          action,
          new RollStatus(r.pod(), r.uid(), r.reason(), now.toString()),
          "restarting " + r.pod());
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

  /**
   * The Progressing condition: True while pods are outdated, a restarted one is not back, or broker
   * pods the spec dropped are kept for the partition replicas they hold.
   */
  static void report(Conditions conditions, Step step) {
    RollAction action = step.action();
    boolean rolling =
        action instanceof RollAction.Restart
            || action instanceof RollAction.Wait w && w.holding() != null;
    if (action instanceof RollAction.None && step.scaleDownHeld() != null) {
      BrokerScaleDown.Hold held = step.scaleDownHeld();
      conditions.set(Conditions.PROGRESSING, true, held.reason(), held.message());
    } else if (action instanceof RollAction.None) {
      conditions.set(Conditions.PROGRESSING, false, "UpToDate", step.summary());
    } else {
      conditions.set(
          Conditions.PROGRESSING, true, rolling ? "Rolling" : "RollBlocked", step.summary());
    }
  }

  /**
   * Evicts the pod of a restart already recorded in status, and reports it. A refusal is kept for
   * the next passes, which wait before asking again (5 s, doubling up to a minute); its first one
   * is a Normal event (a budget whose status lags a pod that just came back refuses once), the next
   * ones Warnings.
   */
  void act(
      QuorumCluster cr,
      Step step,
      EventRecorder events,
      Instant now,
      Supplier<Optional<QuorumView>> askedNow) {
    if (step.action() instanceof RollAction.Blocked b && b.reason().contains(WOULD_NOT_START)) {
      events.warningOnce(cr, EventReason.RollBlocked, step.summary());
      return;
    }
    if (step.action() instanceof RollAction.Restart r) {
      String key = QuorumObservation.key(cr);
      String namespace = cr.getMetadata().getNamespace();
      if (step.voter() != null) {
        // The plan's view was asked before the partitions were read, which can take seconds on a
        // struggling cluster: a voter that stalled meanwhile still looks caught up in it. The
        // restart goes only if Kafka, asked now, still shows the others' majority (ADR 037); if
        // not, nothing is evicted and the next pass plans again on the next view.
        Optional<QuorumView> fresh = askedNow.get();
        String unsafe =
            fresh.isEmpty()
                ? "Kafka did not show a led quorum when asked just before the eviction"
                : RollPlanner.voterUnsafe(step.voter(), fresh.get());
        if (unsafe != null) {
          LOG.infof("cluster=%s %s not restarted: %s", key, r.pod(), unsafe);
          return;
        }
      }
      if (step.alone()) {
        // A pool of one has no second pod a drain could take with it, and its budget
        // (maxUnavailable 1 of 1 pod) refuses evicting that pod while it is not Ready: a
        // crash-looping pod the roll must restart to run a fixed config would never go. The
        // same holds for a pod not Ready under a closed budget (ADR 035).
        if (pods.delete(namespace, key, r.pod(), r.uid(), null, r.reason())) {
          events.normal(cr, EventReason.RollingRestart, r.pod() + ": " + r.reason());
        }
        return;
      }
      PodDeletion.Evicted eviction = pods.evict(namespace, key, r.pod(), r.uid(), r.reason());
      if (eviction.refused()) {
        Refusal before = refusals.get(key);
        Refusal refused =
            before != null && before.uid().equals(r.uid())
                ? before.again(eviction.refusal(), now)
                : Refusal.first(r.uid(), eviction.refusal(), now);
        refusals.put(key, refused);
        String message =
            r.pod()
                + " not restarted, the API refused its eviction: "
                + eviction.refusal()
                + "; asked again from "
                + refused.retryAt();
        if (refused.times() == 1) {
          events.normal(cr, EventReason.EvictionRefused, message);
        } else {
          events.warning(cr, EventReason.EvictionRefused, message);
        }
        return;
      }
      refusals.remove(key);
      if (eviction.evicted()) {
        events.normal(cr, EventReason.RollingRestart, r.pod() + ": " + r.reason());
      }
    }
  }

  /** Drops what is held for a deleted cluster. */
  void forget(String key) {
    refusals.remove(key);
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
    boolean ready = exists && !terminating && ready(pod);
    return new RollPod(
        pool.podName(ordinal),
        exists ? pod.getMetadata().getUid() : null,
        pool.nodeId(ordinal),
        pool.kind().hasControllerRole(),
        pool.kind().hasBrokerRole(),
        outdated,
        ready,
        null,
        ready ? readySince(pod) : null,
        terminating ? time(pod.getMetadata().getDeletionTimestamp()) : null);
  }

  private static RollPod withChange(RollPod p, String change) {
    return new RollPod(
        p.pod(),
        p.uid(),
        p.nodeId(),
        p.controller(),
        p.broker(),
        p.outdated(),
        p.ready(),
        change,
        p.readySince(),
        p.terminatingSince());
  }

  /**
   * When the pod last turned Ready, by its condition's last transition (the kubelet's clock), or
   * null when that is not there or not a time (then the settling time is not waited for).
   */
  static Instant readySince(Pod pod) {
    return pod.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst()
        .map(c -> time(c.getLastTransitionTime()))
        .orElse(null);
  }

  /** A Kubernetes time, or null when it is not there or not a time. */
  private static Instant time(String text) {
    try {
      return text == null ? null : Instant.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
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
