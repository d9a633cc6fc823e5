package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.BrokerCordon;
import io.quorumkeeper.operator.config.OperatorConfig;
import io.quorumkeeper.operator.config.OperatorSettings;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.model.ClusterIdentity;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Durations;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.SecretModel;
import io.quorumkeeper.operator.observe.AgentTokens;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumMetrics;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import io.quorumkeeper.operator.observe.RaftObservation;
import io.quorumkeeper.operator.quorum.HealingPlanner;
import io.quorumkeeper.operator.quorum.HealingPolicy;
import io.quorumkeeper.operator.quorum.QuorumAssessor;
import io.quorumkeeper.operator.quorum.QuorumSnapshot;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import io.quorumkeeper.operator.security.ClusterCertificates;
import io.quorumkeeper.operator.security.UserCredentials;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.status.QuorumReport;
import io.quorumkeeper.operator.status.StatusWriter;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Turns a QuorumCluster into the Kubernetes objects that run it: validate, persist the cluster's
 * identity, bring owned objects in line, report. Decisions live in the pure {@code model} package;
 * this class only sequences them.
 */
// Not generation-aware: the pause annotation (and, later, the operator's own status) change no
// generation yet must be acted on; a pass that finds nothing to do writes nothing.
@ControllerConfiguration(
    name = QuorumClusterReconciler.NAME,
    generationAwareEventProcessing = false)
public class QuorumClusterReconciler implements Reconciler<QuorumCluster> {

  public static final String NAME = "quorumcluster";
  private static final Logger LOG = Logger.getLogger(QuorumClusterReconciler.class);
  private static final Duration SILENCE_MARGIN = Duration.ofMillis(50);
  private static final List<Class<? extends HasMetadata>> OWNED =
      List.of(
          ConfigMap.class,
          Service.class,
          PodDisruptionBudget.class,
          StatefulSet.class,
          Secret.class,
          NetworkPolicy.class);

  private final NodeCache nodes;
  private final AgentTokens agentTokens;
  private final Map<String, Instant> leaderSeenAt = new java.util.concurrent.ConcurrentHashMap<>();

  /** Per cluster, when the certificate each controller last showed expires (ADR 042). */
  private final Map<String, Map<Integer, Instant>> certificatesSeen =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final Clock clock;
  private final OwnedResources owned;
  private final PoolConfigMaps configMaps;
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final QuorumClient quorumClient;

  private final QuorumMetrics metrics;
  private final Healing healing;
  private final Rolling rolling;
  private final Finalization finalization;
  private final PassStatus passStatus;
  private final Certificates certificates;
  private final ClientAccess clientAccess;
  private final ClientGate clients;
  private final BootstrapRecords bootstrapRecords;
  private final SpecRefusals refusals;
  private volatile QuorumObservation.Source observation; // set when JOSDK prepares the sources

  @Inject
  public QuorumClusterReconciler(
      KubernetesClient client,
      OperatorConfig config,
      QuorumClient quorumClient,
      QuorumMetrics metrics) {
    this(client, OperatorSettings.from(config), Clock.systemUTC(), quorumClient, metrics);
  }

  public QuorumClusterReconciler(
      KubernetesClient client,
      OperatorSettings settings,
      Clock clock,
      QuorumClient quorumClient,
      QuorumMetrics metrics) {
    this.client = client;
    this.settings = settings;
    this.clock = clock;
    this.quorumClient = quorumClient;
    this.metrics = metrics;
    this.healing = new Healing(client, quorumClient);
    this.rolling = new Rolling(new PodDeletion(client, quorumClient::mayNotWrite));
    this.finalization = new Finalization(quorumClient, clock);
    this.clientAccess = new ClientAccess(quorumClient, clock);
    this.owned = new OwnedResources(client);
    this.configMaps = new PoolConfigMaps(owned);
    this.statusWriter =
        new StatusWriter(
            client,
            (cr, next) -> metrics.conditions(QuorumObservation.key(cr), next.getConditions()));
    this.events = new EventRecorder(client, clock);
    this.passStatus =
        new PassStatus(
            settings.observation().refreshEvery(),
            settings.tls().renewBefore().dividedBy(2),
            clock,
            metrics,
            statusWriter,
            events,
            finalization,
            leaderSeenAt,
            certificatesSeen);
    this.nodes = new NodeCache(client);
    this.agentTokens = new AgentTokens(client);
    this.certificates =
        new Certificates(
            new ClusterCertificates(settings.tls()),
            new CaSource(client, settings.tls().caValidity()),
            owned,
            events,
            clock,
            quorumClient::tlsChanged);
    this.clients =
        new ClientGate(
            new ClientUsers(new UserCredentials(settings.tls()), owned, clock),
            clientAccess,
            new ClientRevocations(owned, events));
    this.bootstrapRecords = new BootstrapRecords(statusWriter, events);
    this.refusals = new SpecRefusals(events, statusWriter);
  }

  @Override
  public List<EventSource<?, QuorumCluster>> prepareEventSources(
      EventSourceContext<QuorumCluster> context) {
    List<EventSource<?, QuorumCluster>> sources = new ArrayList<>();
    OWNED.forEach(type -> sources.add(ownedInformer(type, context)));
    sources.add(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, QuorumCluster.class)
                .withLabelSelector(Labels.CLUSTER)
                .withSecondaryToPrimaryMapper(
                    pod ->
                        Set.of(
                            new ResourceID(
                                pod.getMetadata().getLabels().get(Labels.CLUSTER),
                                pod.getMetadata().getNamespace())))
                .build(),
            context));
    observation =
        QuorumObservation.eventSource(
            context,
            quorumClient,
            metrics,
            settings.observation(),
            clock,
            agentTokens,
            ClusterForgetter.of(
                quorumClient,
                metrics,
                agentTokens,
                leaderSeenAt,
                certificatesSeen,
                events,
                clientAccess,
                finalization,
                statusWriter,
                rolling,
                healing));
    sources.add(observation);
    return sources;
  }

  private static <R extends HasMetadata> InformerEventSource<R, QuorumCluster> ownedInformer(
      Class<R> type, EventSourceContext<QuorumCluster> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, QuorumCluster.class)
            .withLabelSelector(Labels.MANAGED_BY_SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(QuorumCluster.class))
            .build(),
        context);
  }

  /**
   * One pass, on the cached copy brought up to this operator's own status writes the cache has not
   * delivered yet, unless its status write is refused because the cluster changed since the copy it
   * planned on (someone else wrote it): nothing it decided is carried out. The newer copy's own
   * watch event starts the next pass (the reconciler is not generation-aware), so nothing needs to
   * be rescheduled.
   */
  @Override
  public UpdateControl<QuorumCluster> reconcile(QuorumCluster cr, Context<QuorumCluster> context) {
    try {
      return pass(statusWriter.caughtUp(cr), context);
    } catch (StatusWriter.Stale stale) {
      LOG.debugf("%s: planning again on the newer copy", stale.getMessage());
      return UpdateControl.noUpdate();
    }
  }

  private UpdateControl<QuorumCluster> pass(QuorumCluster cr, Context<QuorumCluster> context) {
    long generation =
        cr.getMetadata().getGeneration() == null ? 0 : cr.getMetadata().getGeneration();
    QuorumClusterStatus previous =
        cr.getStatus() == null ? new QuorumClusterStatus() : cr.getStatus();
    Conditions conditions = new Conditions(previous.getConditions(), generation, clock);
    Integer finalized = Observed.finalizedLevel(cr, context);
    OptionalInt unsettledAsk =
        finalization.unsettledAsk(cr, Observed.observation(cr, context), finalized);
    // what the cluster has finalized or may have: no pod is restarted onto a Kafka below it
    Integer finalizedAtLeast =
        unsettledAsk.isPresent() && (finalized == null || finalized < unsettledAsk.getAsInt())
            ? Integer.valueOf(unsettledAsk.getAsInt())
            : finalized;
    Acceptance acceptance =
        Acceptance.judge(cr, settings.supportedKafkaVersions(), context, unsettledAsk);
    if (!acceptance.valid()) {
      refusals.report(cr, conditions, acceptance);
    }
    if (acceptance.running().isEmpty()) {
      // Refused before any spec was accepted: nothing runs that could be observed or healed.
      refusals.writeNeverAccepted(cr, previous, conditions, generation, acceptance);
      return UpdateControl.noUpdate();
    }
    BootstrapRecords.Checked checked =
        bootstrapRecords.checkAgainstConfigMaps(
            bootstrapRecords.persistIdentity(acceptance.running().get(), context), context);
    QuorumCluster running = checked.cr();
    if (observation != null) {
      observation.busy(running); // observations start passes until this one finds it steady
    }
    Optional<QuorumSnapshot> snapshot = Observed.snapshot(running, context, nodes);
    String podsSeen = Observed.controllerPodsSeen(running, context, nodes);
    if (observation != null) {
      observation.podsSeen(running, podsSeen);
    }
    Optional<QuorumView> view = snapshot.flatMap(assessor(running)::assess);
    // the count healing keeps while a refused spec's stored one asks for fewer, from the same view
    // healing plans on
    acceptance = acceptance.keepingVoters(view.map(v -> v.voterMembers().size()).orElse(0));
    boolean formedBefore = QuorumObservation.formed(running);
    if (view.isPresent()) {
      running = bootstrapRecords.markFormed(running);
    }
    if (observation != null) {
      observation.awaitingFirstLeader(
          running, !podsSeen.isEmpty() && !QuorumObservation.formed(running));
    }
    ClusterIdentity identity = checked.identity(running);
    int keepControllerPods = Observed.controllerPodsToKeep(running, snapshot, context);
    boolean paused = isPaused(running);
    boolean write = acceptance.valid() && !paused && !checked.holdsWrites();
    BrokerPartitions partitions = new BrokerPartitions(quorumClient, running);
    List<Pool> pools = ClusterModel.pools(running, keepControllerPods);
    BrokerScaleDown.Keep brokersKept =
        write
            ? BrokerScaleDown.keep(running, pools, context, partitions, clock.instant())
            : BrokerScaleDown.Keep.none();
    pools = brokersKept.apply(pools);
    if (brokersKept.held().filter(BrokerScaleDown.Hold::warn).isPresent()) {
      events.warningOnce(running, EventReason.ScaleDownBlocked, brokersKept.held().get().message());
    }
    Certificates.Step tls =
        identity.tls()
            ? certificates.ensure(running, pools, write, context)
            : new Certificates.Step(null, List.of());
    ClusterModel model =
        ClusterModel.from(running, identity, settings.model(), pools, tls.revision());
    List<String> refused = new ArrayList<>(tls.refused());
    checked.held().ifPresent(held -> refused.add(held.message()));
    if (write && !tls.podsWait()) {
      refused.addAll(owned.applyAll(desired(running, model, context), running, context));
      configMaps.prune(running, model, context);
    } else if (!write) {
      // A pause or a refused spec holds the operator's own changes, not the cluster's guard
      // against other people's drains: the budgets of the spec that runs still follow the
      // quorum's fault tolerance (ADR 036).
      refused.addAll(owned.applyAll(budgets(model), running, context));
    }
    Healing.Step step =
        snapshot.isPresent()
            ? planHealing(running, context, snapshot.get(), view, acceptance)
            : null;
    if (observation != null) {
      observation.awaitingNewIncarnation(
          running,
          Healing.blockedBecause(running) == null
              && view.filter(HealingPlanner::awaitsNewIncarnation).isPresent());
    }
    Rolling.Step roll =
        step == null
            ? null
            : rolling.plan(
                running,
                model.pools(),
                context,
                view,
                healingActs(step),
                Observed.observation(running, context)
                    .map(RaftObservation::askedAt)
                    .orElse(snapshot.get().observedAt()),
                settings.observation().caughtUpWithin(),
                settings.roll().settle(),
                clock.instant(),
                partitions,
                finalizedAtLeast);
    if (roll != null && brokersKept.held().isPresent()) {
      roll = roll.withScaleDownHeld(brokersKept.held().get());
    }
    Optional<String> clientsWait =
        identity.tls()
            ? clients.pending(running, model, write, view, formedBefore, refused, context)
            : Optional.empty();
    Pass pass =
        new Pass(
            running,
            model,
            conditions,
            acceptance,
            paused,
            generation,
            refused,
            step,
            roll,
            clientsWait,
            brokersKept.cordons());
    QuorumClusterStatus written = passStatus.write(pass, context, snapshot, view);
    if (step != null) {
      // after the operation and the roll are in status, never before
      act(running, step, roll, snapshot.get());
      observeWhenSilenceCounts(running, snapshot.get(), view);
    }
    quietIfSteady(pass, tls.podsWait(), written, context, snapshot, view);
    return UpdateControl.noUpdate();
  }

  /**
   * Lets observations that change nothing this pass saw go without a pass, until the numbers in
   * status are due for their refresh (issue 15: an idle cluster's passes wrote nothing, yet each
   * cost a reconcile).
   */
  private void quietIfSteady(
      Pass pass,
      boolean podsWait,
      QuorumClusterStatus written,
      Context<QuorumCluster> context,
      Optional<QuorumSnapshot> snapshot,
      Optional<QuorumView> view) {
    Instant observedAt = QuorumReport.observedAt(written.getQuorum(), clock.instant());
    if (observation == null
        || observedAt == null
        || (pass.roll() != null && pass.roll().scaleDownHeld() != null)) {
      return; // a kept broker is let go by a pass that reads the partitions again
    }
    String key = QuorumObservation.key(pass.cr());
    Instant refreshDue = observedAt.plus(settings.observation().refreshEvery());
    QuietPass.of(
            refreshDue,
            pass,
            podsWait,
            Observed.observation(pass.cr(), context),
            snapshot,
            view,
            assessor(pass.cr()),
            v -> {
              metrics.update(key, Optional.of(v));
              leaderSeenAt.put(key, clock.instant());
            })
        .ifPresent(quiet -> observation.quiet(pass.cr(), quiet));
  }

  /** What one pass decided, for its status write. */
  record Pass(
      QuorumCluster cr,
      ClusterModel model,
      Conditions conditions,
      Acceptance acceptance,
      boolean paused,
      long generation,
      List<String> refused,
      Healing.Step step,
      Rolling.Step roll,
      Optional<String> clientsWait,
      List<BrokerCordon> cordons) {}

  /** Healing takes precedence: no pod restarts while a voter-set change is in flight or sent. */
  private static boolean healingActs(Healing.Step step) {
    return step.operation() != null
        || step.action() instanceof io.quorumkeeper.operator.quorum.Action.Membership
        || step.action() instanceof io.quorumkeeper.operator.quorum.Action.DeletePod;
  }

  private static boolean isPaused(QuorumCluster cr) {
    Map<String, String> annotations = cr.getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(QuorumCluster.PAUSED_ANNOTATION));
  }

  private static List<Supplier<HasMetadata>> budgets(ClusterModel model) {
    return model.disruptionBudgets().stream()
        .<Supplier<HasMetadata>>map(budget -> () -> budget)
        .toList();
  }

  /** The agent token Secret while the cluster has none, then every object of the model. */
  private List<Supplier<HasMetadata>> desired(
      QuorumCluster cr, ClusterModel model, Context<QuorumCluster> context) {
    List<Supplier<HasMetadata>> desired = new ArrayList<>();
    desired.add(() -> missingSecret(cr, context));
    // A StatefulSet is written only once the ConfigMaps its template mounts exist: a pod re-created
    // from it would otherwise wait for them (ContainerCreating) instead of running the old
    // template.
    model
        .all()
        .forEach(
            object ->
                desired.add(
                    () ->
                        object instanceof StatefulSet set && !PoolConfigMaps.mountable(set, context)
                            ? null
                            : object));
    return desired;
  }

  private Healing.Step planHealing(
      QuorumCluster cr,
      Context<QuorumCluster> context,
      QuorumSnapshot snapshot,
      Optional<QuorumView> view,
      Acceptance acceptance) {
    Instant now = clock.instant();
    HealingPolicy policy =
        Healing.policy(cr, settings.healing().strandedGrace())
            .withStranded(Observed.strandedPods(cr, context, nodes, now))
            .withZones(zones(snapshot));
    // While the spec is refused no object is written, so no pod goes: voters are not moved off
    // pods the stored spec drops, nor removed below the count the quorum has.
    policy =
        acceptance.valid()
            ? policy.withRetiring(Observed.retiring(cr))
            : policy.withAtLeastVoters(acceptance.votersKept());
    return Healing.plan(
        cr, view, now, policy, healing.resendRefusedAfter(cr), healing.knownSince(cr, now));
  }

  /**
   * Asks for an observation at the moment a silent voter's {@code unreachableAfter} runs out by
   * Kafka's clocks (measured from this pass's observation), so a spare replaces it then and not at
   * the next tick; 50 ms later, so the leader's clock has passed it too.
   */
  private void observeWhenSilenceCounts(
      QuorumCluster cr, QuorumSnapshot snapshot, Optional<QuorumView> view) {
    if (observation == null || view.isEmpty() || Healing.blockedBecause(cr) != null) {
      return;
    }
    Duration unreachableAfter = Durations.parse(cr.getSpec().getHealing().getUnreachableAfter());
    Duration since = Duration.between(snapshot.observedAt(), clock.instant());
    HealingPlanner.untilSilenceCounts(view.get(), unreachableAfter)
        .map(left -> left.minus(since).plus(SILENCE_MARGIN))
        .ifPresent(delay -> observation.observeIn(cr, delay.isNegative() ? Duration.ZERO : delay));
  }

  /** A failed step is logged, not thrown: the next pass re-observes and re-plans it. */
  private void act(
      QuorumCluster cr, Healing.Step step, Rolling.Step roll, QuorumSnapshot snapshot) {
    try {
      Healing.Next next = healing.act(cr, step, events);
      if (observation != null && next == Healing.Next.AT_ONCE) {
        observation.observeSoon(cr); // the next step follows the commit, not the next tick
      } else if (observation != null && next == Healing.Next.SHORTLY) {
        observation.observeIn(cr, healing.refusedBackOff(QuorumObservation.key(cr)));
      }
      rolling.act(cr, roll, events, clock.instant(), () -> askedNow(cr, snapshot));
    } catch (RuntimeException e) {
      LOG.warnf(
          "cluster=%s healing or roll step not carried out, the next pass plans again: %s",
          QuorumObservation.key(cr), e.getMessage());
    }
  }

  /**
   * Kafka's view of the quorum asked at this moment, given up after the fetch timeout (a view older
   * than that may show a stalled voter caught up), with this pass's pods and agents; empty without
   * an answer or a leader.
   */
  private Optional<QuorumView> askedNow(QuorumCluster cr, QuorumSnapshot snapshot) {
    String key = QuorumObservation.key(cr);
    try {
      RaftQuorum raft =
          quorumClient.describe(
              key,
              ClusterModel.pools(cr).get(0).controllerEndpoints(),
              settings.observation().caughtUpWithin());
      return assessor(cr).assess(snapshot.withRaft(raft, clock.instant()));
    } catch (QuorumUnavailableException | RuntimeException e) {
      LOG.debugf("cluster=%s quorum not asked again: %s", key, e.getMessage());
      return Optional.empty();
    }
  }

  /** The zone of each controller pod's node, by node id, where its node has one. */
  private static Map<Integer, String> zones(QuorumSnapshot snapshot) {
    Map<Integer, String> zones = new java.util.HashMap<>();
    snapshot.controllerPods().values().stream()
        .filter(p -> p.zone() != null)
        .forEach(p -> zones.put(p.nodeId(), p.zone()));
    return zones;
  }

  private QuorumAssessor assessor(QuorumCluster cr) {
    return new QuorumAssessor(
        settings.observation().caughtUpWithin(),
        Durations.parse(cr.getSpec().getHealing().getUnreachableAfter()));
  }

  /** The agent token Secret when the cluster has none yet; a token, once issued, is kept. */
  private HasMetadata missingSecret(QuorumCluster cr, Context<QuorumCluster> context) {
    String name = SecretModel.name(cr.getMetadata().getName());
    Optional<Secret> current =
        OwnedResources.cache(Secret.class, context)
            .get(new ResourceID(name, cr.getMetadata().getNamespace()));
    if (current.isPresent() && OwnedResources.ownedBy(current.get(), cr)) {
      return null;
    }
    return SecretModel.render(cr, AgentToken.generate());
  }
}
