package io.quorumkeeper.operator.observe;

import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.Event;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.Cache;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfiguration;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.config.OperatorSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Polls every cluster's controllers on its own small thread pool, so a slow or unreachable cluster
 * never holds a reconcile thread: each poll is bounded by the quorum client's timeout, and the
 * reconciler only reads the latest cached {@link RaftObservation}. A poll starts a reconcile unless
 * the last pass found the cluster steady and the new observation changes nothing it saw (see {@link
 * Source#quiet}); a pass writes status only when something a user sees changed. Besides Kafka's
 * Admin API, each controller pod's agent is asked for its own view (one round, all pods at once,
 * bounded by a second), which tells a lost disk at once and what each node sees while no leader is
 * elected.
 */
public final class QuorumObservation {

  public static final String NAME = "quorum-observation";

  /** How many 50 ms checks an observation made at once waits for the cache (see observeSoon). */
  private static final int CACHE_WAITS = 40;

  /**
   * After a controller pod changed (see {@link Source#podsSeen}), the cluster is observed this
   * often, for {@link #BURST_FOR}: a restarted Kafka fetches from the leader about 1.5 s after its
   * pod restarts, and each of its steps (a new directory id, caught up, Ready) shows at once
   * instead of at the next periodic tick.
   */
  public static final Duration BURST_EVERY = Duration.ofMillis(250);

  public static final Duration BURST_FOR = Duration.ofSeconds(4);

  /**
   * After a pass first finds a voter that lost its disk, the cluster is observed every {@link
   * #BURST_EVERY} for this long: its new incarnation catches up a few seconds after its pod starts
   * (format, then Kafka's start), after the pod's own burst has ended, and the replacement follows
   * that catch-up rather than the next tick.
   */
  static final Duration NEW_INCARNATION_WITHIN = Duration.ofSeconds(15);

  /**
   * While a new cluster's controller pods run and no leader was ever seen, each pass keeps the
   * cluster observed every {@link #BURST_EVERY}, for at most this long from the first such pass:
   * the first leader is elected a few seconds after the pods start, and Ready waits for the
   * operator to see it. A cluster that has not formed by then is observed at the periodic interval.
   */
  static final Duration FIRST_LEADER_WITHIN = Duration.ofSeconds(30);

  /**
   * How long a burst's Kafka call may take (the periodic poll's is the observation timeout, 3 s).
   * After a leader dies, an Admin client may keep asking it until its call times out, although a
   * new leader was elected meanwhile (seen in {@code bench failover}: 1.1 s after the election); in
   * a burst, a call given up after 1 s is followed 250 ms later by one on a fresh client, which
   * learns the new leader from a live controller.
   */
  static final Duration BURST_DESCRIBE_WITHIN = Duration.ofSeconds(1);

  private static final Logger LOG = Logger.getLogger(QuorumObservation.class);

  private QuorumObservation() {}

  /**
   * Whether the cluster's quorum was ever seen with a leader ({@code status.bootstrap.formed}):
   * from then on new controller disks join as observers, and Kafka is asked in every round.
   */
  public static boolean formed(QuorumCluster cr) {
    return cr.getStatus() != null
        && cr.getStatus().getBootstrap() != null
        && cr.getStatus().getBootstrap().isFormed();
  }

  public static Source eventSource(
      EventSourceContext<QuorumCluster> context,
      QuorumClient client,
      QuorumMetrics metrics,
      OperatorSettings.Observation settings,
      Clock clock,
      AgentTokens tokens,
      Consumer<QuorumCluster> forget) {
    ObservationRound.EpochClock epochs = new ObservationRound.EpochClock();
    ScheduledExecutorService executor =
        Executors.newScheduledThreadPool(
            settings.threads(),
            runnable -> {
              Thread thread = new Thread(runnable, "quorum-observer");
              thread.setDaemon(true);
              return thread;
            });
    Function<QuorumCluster, RaftObservation> observer =
        cr ->
            ObservationRound.observe(
                cr, client, metrics, clock, tokens, epochs, settings.timeout());
    Duration burstWithin =
        BURST_DESCRIBE_WITHIN.compareTo(settings.timeout()) < 0
            ? BURST_DESCRIBE_WITHIN
            : settings.timeout();
    Function<QuorumCluster, RaftObservation> burstObserver =
        cr -> ObservationRound.observe(cr, client, metrics, clock, tokens, epochs, burstWithin);
    return new Source(
        context,
        new PerResourcePollingConfigurationBuilder<RaftObservation, QuorumCluster, String>(
                cr -> Set.of(observer.apply(cr)), settings.interval())
            .withExecutorService(executor)
            .withResourceIDMapper(RaftObservation::cluster)
            .withName(NAME)
            .build(),
        executor,
        // A poll under way ends within the client's timeout, the agents' round in parallel.
        settings.interval().plus(settings.timeout().multipliedBy(2)),
        cr -> {
          epochs.forget(key(cr));
          forget.accept(cr);
        },
        observer,
        burstObserver);
  }

  /**
   * What the last pass of a steady cluster saw (healthy quorum, nothing to heal or roll), able to
   * tell whether a later observation would change anything that pass wrote, announced or decided.
   */
  @FunctionalInterface
  public interface Quiet {

    /**
     * True when a pass on {@code next} would write, announce and do nothing the last pass did not
     * (and no time-driven work of a pass, such as the refresh of the numbers in status, is due by
     * {@code next}'s time); then it also records what such a pass records outside the resource
     * (metrics, say).
     */
    boolean stillQuiet(RaftObservation next);
  }

  /**
   * The polling source, which also reports a deleted cluster. JOSDK tells every event source of a
   * deleted primary, finalizer or not (ADR 009): polling stops and what is held for the cluster is
   * forgotten. A poll under way at that moment may still finish and schedule one more run (which
   * then finds no cluster and stops), leaving a fresh Admin client, meters or a cached observation
   * behind, so all of it is dropped once more after {@code settle}, unless a cluster of the same
   * name exists again by then.
   */
  public static final class Source
      extends PerResourcePollingEventSource<RaftObservation, QuorumCluster, String> {

    private final Cache<QuorumCluster> clusters;
    private final ScheduledExecutorService executor;
    private final Duration settle;
    private final Consumer<QuorumCluster> forget;
    private final Function<QuorumCluster, RaftObservation> observer;
    private final Function<QuorumCluster, RaftObservation> burstObserver;
    private final boolean bursts;
    private final Duration interval;
    private final Map<ResourceID, String> podsSeen = new ConcurrentHashMap<>();
    private final Map<ResourceID, Long> burstUntil = new ConcurrentHashMap<>();
    private final Map<ResourceID, Long> dueAt = new ConcurrentHashMap<>();
    private final Map<ResourceID, Quiet> quiet = new ConcurrentHashMap<>();
    private final Set<ResourceID> awaitingIncarnation = ConcurrentHashMap.newKeySet();
    private final Map<ResourceID, Long> awaitingLeaderSince = new ConcurrentHashMap<>();

    Source(
        EventSourceContext<QuorumCluster> context,
        PerResourcePollingConfiguration<RaftObservation, QuorumCluster, String> configuration,
        ScheduledExecutorService executor,
        Duration settle,
        Consumer<QuorumCluster> forget,
        Function<QuorumCluster, RaftObservation> observer,
        Function<QuorumCluster, RaftObservation> burstObserver) {
      super(RaftObservation.class, context, configuration);
      this.clusters = context.getPrimaryCache();
      this.executor = executor;
      this.settle = settle;
      this.forget = forget;
      this.observer = observer;
      this.burstObserver = burstObserver;
      this.interval = configuration.defaultPollingPeriod();
      this.bursts = interval.compareTo(BURST_EVERY) > 0;
    }

    /**
     * The pass just made found the cluster steady: an observation that {@code quiet} finds changes
     * nothing updates the cached observation without starting a pass (issue 15: one pass per
     * observation made the operator's cost grow with every cluster it watches, although an idle
     * cluster's passes wrote nothing). Pods, StatefulSets and the resource start passes of their
     * own; the observations this source makes when the clock or a commit asks for one ({@link
     * #observeIn}, {@link #observeSoon}) always start one.
     */
    public void quiet(QuorumCluster cr, Quiet quiet) {
      this.quiet.put(ResourceID.fromResource(cr), quiet);
    }

    /** A pass is under way or found something to do: every observation starts a pass again. */
    public void busy(QuorumCluster cr) {
      quiet.remove(ResourceID.fromResource(cr));
    }

    @Override
    protected synchronized void handleResources(
        ResourceID id, Set<RaftObservation> observations, boolean propagateEvent) {
      Set<RaftObservation> latest = latest(id, observations);
      super.handleResources(id, latest, propagateEvent && !changesNothing(id, latest));
    }

    /** Starts a pass whatever the last one found (see {@link #quiet}). */
    private synchronized void publish(ResourceID id, RaftObservation observation) {
      Set<RaftObservation> latest = latest(id, Set.of(observation));
      if (latest.contains(observation)) {
        super.handleResources(id, latest, true);
      } else {
        getEventHandler().handleEvent(new Event(id)); // the newer one cached stays
      }
    }

    /**
     * The observations to cache: those given, unless the one cached was made later. Rounds overlap
     * (a burst's, the periodic poll's, one after a commit) and may end out of order; a view older
     * than one a pass already planned on would show a voter change undone, and a pass on it could
     * plan that change again or its reverse (ADR 021).
     */
    private Set<RaftObservation> latest(ResourceID id, Set<RaftObservation> observations) {
      Set<RaftObservation> cached = getSecondaryResources(id);
      return newer(cached, observations) ? cached : observations;
    }

    private boolean changesNothing(ResourceID id, Set<RaftObservation> observations) {
      Quiet quieted = quiet.get(id);
      if (quieted == null || observations.size() != 1) {
        return false;
      }
      try {
        return quieted.stillQuiet(observations.iterator().next());
      } catch (RuntimeException e) {
        LOG.debugf("%s: observation not compared, a pass follows: %s", id, e.toString());
        return false;
      }
    }

    /**
     * What the controller pods show in this pass (their incarnations, restarts, readiness, nodes):
     * when it differs from the last pass's, something announced a change in the quorum (a pod
     * restarted, went NotReady, came back, lost its node), and the cluster is observed every {@link
     * #BURST_EVERY} for {@link #BURST_FOR} rather than at the next periodic tick (issue 15). A
     * change during a burst extends it.
     */
    public void podsSeen(QuorumCluster cr, String pods) {
      ResourceID id = ResourceID.fromResource(cr);
      String before = podsSeen.put(id, pods);
      if (!bursts || before == null || before.equals(pods)) {
        return; // the first pass of a cluster is observed by its first poll anyway
      }
      LOG.debugf("cluster=%s controller pods changed: observing every %s", key(cr), BURST_EVERY);
      burst(id, BURST_FOR);
    }

    /**
     * Whether, as this pass found, a voter of the cluster lost its disk and its new incarnation has
     * not caught up yet (issue 15). The first pass that says so starts a burst of {@link
     * #NEW_INCARNATION_WITHIN}; once per such episode, so a pod that never comes back costs one
     * burst, not observations every 250 ms for ever.
     */
    public void awaitingNewIncarnation(QuorumCluster cr, boolean awaiting) {
      ResourceID id = ResourceID.fromResource(cr);
      if (!awaiting) {
        awaitingIncarnation.remove(id);
      } else if (bursts && awaitingIncarnation.add(id)) {
        LOG.debugf(
            "cluster=%s a voter lost its disk: observing every %s until its new incarnation"
                + " catches up",
            key(cr), BURST_EVERY);
        burst(id, NEW_INCARNATION_WITHIN);
      }
    }

    /**
     * Whether, as this pass found, the cluster's controller pods exist and its quorum never had a
     * leader (issue 15, Create → Ready). Within {@link #FIRST_LEADER_WITHIN} of the first pass that
     * says so, each such pass keeps a {@link #BURST_FOR} burst going, so the first leader reaches
     * status within a burst step of its election and the burst ends soon after.
     */
    public void awaitingFirstLeader(QuorumCluster cr, boolean awaiting) {
      ResourceID id = ResourceID.fromResource(cr);
      if (!awaiting) {
        awaitingLeaderSince.remove(id);
        return;
      }
      long now = System.nanoTime();
      long since = awaitingLeaderSince.computeIfAbsent(id, k -> now);
      if (bursts && now - since < FIRST_LEADER_WITHIN.toNanos()) {
        burst(id, BURST_FOR);
      }
    }

    /**
     * Caches a burst's round of a cluster awaiting its first leader without starting a pass, when
     * it found what the cached one did: Kafka not asked ({@link ObservationRound#NO_LEADER_YET})
     * and the same answers from the same agents. A pass on it would write and decide what the last
     * one did; pods, StatefulSets and the resource start passes of their own, and the periodic
     * poll's rounds start one each interval whatever they find (time-driven work of a pass waits no
     * longer than that).
     */
    private synchronized boolean cachedIfStillForming(ResourceID id, RaftObservation observation) {
      if (!awaitingLeaderSince.containsKey(id)
          || observation.raft().isPresent()
          || observation.failure() == null
          || !observation.failure().startsWith(ObservationRound.NO_LEADER_YET)) {
        return false;
      }
      Set<RaftObservation> cached = getSecondaryResources(id);
      boolean same =
          cached.size() == 1
              && cached.stream()
                  .allMatch(
                      c ->
                          c.raft().isEmpty()
                              && observation.failure().equals(c.failure())
                              && observation.agents().equals(c.agents()));
      if (same) {
        super.handleResources(id, latest(id, Set.of(observation)), false);
      }
      return same;
    }

    /** Observes every BURST_EVERY for {@code length} from now, or longer if a burst goes on. */
    private void burst(ResourceID id, Duration length) {
      long until = System.nanoTime() + length.toNanos();
      boolean[] started = {false};
      burstUntil.compute(
          id,
          (k, end) -> {
            if (end == null) {
              started[0] = true;
              return until;
            }
            return end - until >= 0 ? end : until;
          });
      if (started[0]) {
        scheduleBurst(id, 0);
      } // else the burst under way goes on until the later end
    }

    private void scheduleBurst(ResourceID id, long delayMillis) {
      try {
        executor.schedule(() -> burstStep(id), delayMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        burstUntil.remove(id);
      }
    }

    private void burstStep(ResourceID id) {
      Long until = burstUntil.get(id);
      Optional<QuorumCluster> cr = clusters.get(id);
      if (until == null || cr.isEmpty()) {
        burstUntil.remove(id);
        return;
      }
      try {
        RaftObservation observation = burstObserver.apply(cr.get());
        if (cachedIfStillForming(id, observation)) {
          awaitingFirstLeader(cr.get(), true); // the burst goes on, as a pass would keep it
        } else {
          handleResources(id, observation);
        }
      } catch (RuntimeException e) {
        LOG.debugf("cluster=%s not observed in a burst: %s", key(cr.get()), e.toString());
      }
      // Ended unless extended meanwhile: remove only the end this step read.
      if (System.nanoTime() - until < 0 || !burstUntil.remove(id, until)) {
        scheduleBurst(id, BURST_EVERY.toMillis());
      }
    }

    /**
     * Observes the cluster once after {@code delay}, besides its periodic poll: at the moment the
     * clock alone changes what healing may do (a silent voter's {@code unreachableAfter} runs out),
     * rather than up to a whole interval later (issue 15). One such observation is pending per
     * cluster, the earliest asked for; the pass it starts asks for the next one.
     */
    public void observeIn(QuorumCluster cr, Duration delay) {
      if (delay.compareTo(interval) >= 0) {
        return; // the periodic poll comes as early
      }
      ResourceID id = ResourceID.fromResource(cr);
      long due = System.nanoTime() + delay.toNanos();
      Long kept = dueAt.merge(id, due, (pending, asked) -> pending - asked <= 0 ? pending : asked);
      if (kept != due) {
        return; // an earlier observation is pending
      }
      try {
        executor.schedule(() -> observeDue(id, due), delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        dueAt.remove(id, due);
      }
    }

    private void observeDue(ResourceID id, long due) {
      Optional<QuorumCluster> cr = clusters.get(id);
      if (!dueAt.remove(id, due) || cr.isEmpty()) {
        return; // an earlier one replaced it, or the cluster is gone
      }
      try {
        publish(id, observer.apply(cr.get()));
      } catch (RuntimeException e) {
        LOG.debugf("cluster=%s not observed when due: %s", key(cr.get()), e.toString());
      }
    }

    /**
     * Observes the cluster soon, on an observer thread, besides its periodic poll: after a voter
     * change Kafka confirmed, the next step (the add after a remove, the completion) need not wait
     * for the next tick (issue 15). The observation is made once the operator's cache holds what
     * the acting pass wrote, so that both the pass it starts and the view it plans on are newer
     * than the action (ADR 021).
     */
    public void observeSoon(QuorumCluster cr) {
      ResourceID id = ResourceID.fromResource(cr);
      try {
        executor.execute(() -> observeOnceCached(cr, id, CACHE_WAITS));
      } catch (RejectedExecutionException stopping) {
        LOG.debugf("cluster=%s not observed at once: the operator stops", key(cr));
      }
    }

    /**
     * Observes and publishes (which starts a pass) once the operator's cache of the resource holds
     * what the acting pass wrote ({@code cr}'s resourceVersion, its operation in status): a pass
     * started on an older copy would plan the next step without the operation in flight. After
     * {@code waits} checks 50 ms apart it observes anyway, as the periodic poll would.
     */
    private void observeOnceCached(QuorumCluster cr, ResourceID id, int waits) {
      Optional<QuorumCluster> cached = clusters.get(id);
      if (cached.isEmpty()) {
        return; // deleted meanwhile: nothing to bring back
      }
      String written = cr.getMetadata().getResourceVersion();
      if (waits > 0
          && written != null
          && !written.equals(cached.get().getMetadata().getResourceVersion())) {
        try {
          executor.schedule(() -> observeOnceCached(cr, id, waits - 1), 50, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
          LOG.debugf("cluster=%s not observed at once: the operator stops", key(cr));
        }
        return;
      }
      try {
        publish(id, observer.apply(cached.get()));
      } catch (RuntimeException e) {
        LOG.debugf("cluster=%s not observed at once: %s", key(cr), e.toString());
      }
    }

    @Override
    public void onResourceDeleted(QuorumCluster cr) {
      forgetAbout(cr);
      LOG.infof(
          "cluster=%s deleted: no longer observed, its Admin client, metrics and cached state"
              + " are released",
          key(cr));
      try {
        executor.schedule(() -> forgetAgain(cr), settle.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException stopping) {
        LOG.debugf("cluster=%s not forgotten again: the operator stops", key(cr));
      }
    }

    private void forgetAgain(QuorumCluster cr) {
      if (clusters.get(ResourceID.fromResource(cr)).isEmpty()) {
        forgetAbout(cr);
      }
    }

    private void forgetAbout(QuorumCluster cr) {
      podsSeen.remove(ResourceID.fromResource(cr));
      burstUntil.remove(ResourceID.fromResource(cr));
      dueAt.remove(ResourceID.fromResource(cr));
      quiet.remove(ResourceID.fromResource(cr));
      awaitingIncarnation.remove(ResourceID.fromResource(cr));
      awaitingLeaderSince.remove(ResourceID.fromResource(cr));
      super.onResourceDeleted(cr);
      forget.accept(cr);
    }
  }

  /**
   * Whether the cluster runs TLS: as its identity in status says, else as its spec asks (TLS unless
   * it says Plaintext); the agents are asked so.
   */
  public static boolean runsTls(QuorumCluster cr) {
    return ObservationRound.runsTls(cr);
  }

  /**
   * The controllers' bootstrap list the observation asks ({@code host:port,...}), empty without a
   * usable spec: calls on the same cluster's controllers use it too, so that they share its Admin
   * client instead of replacing it.
   */
  public static String controllerBootstrap(QuorumCluster cr) {
    var controllers = ObservationRound.runningControllers(cr);
    return controllers == null ? "" : controllers.controllerEndpoints();
  }

  /** Whether {@code cached} holds an observation made after every one of {@code incoming}. */
  static boolean newer(Set<RaftObservation> cached, Set<RaftObservation> incoming) {
    if (cached.size() != 1 || incoming.size() != 1) {
      return false;
    }
    return cached.iterator().next().observedAt().isAfter(incoming.iterator().next().observedAt());
  }

  public static String key(QuorumCluster cr) {
    return cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName();
  }
}
