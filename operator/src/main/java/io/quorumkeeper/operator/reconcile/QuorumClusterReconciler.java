package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
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
import io.quorumkeeper.operator.model.SpecValidator;
import io.quorumkeeper.operator.observe.AgentTokens;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumMetrics;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.quorum.QuorumAssessor;
import io.quorumkeeper.operator.quorum.QuorumSnapshot;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.status.QuorumReport;
import io.quorumkeeper.operator.status.StatusWriter;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
  private static final List<Class<? extends HasMetadata>> OWNED =
      List.of(
          ConfigMap.class,
          Service.class,
          PodDisruptionBudget.class,
          StatefulSet.class,
          Secret.class);

  private final NodeCache nodes;
  private final AgentTokens agentTokens;
  private final Map<String, Instant> leaderSeenAt = new java.util.concurrent.ConcurrentHashMap<>();
  private final KubernetesClient client;
  private final OperatorSettings settings;
  private final Clock clock;
  private final OwnedResources owned;
  private final StatusWriter statusWriter;
  private final EventRecorder events;
  private final QuorumClient quorumClient;

  private final QuorumMetrics metrics;
  private final Healing healing;

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
    this.owned = new OwnedResources(client);
    this.statusWriter = new StatusWriter(client);
    this.events = new EventRecorder(client, clock);
    this.nodes = new NodeCache(client);
    this.agentTokens = new AgentTokens(client);
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
    OperatorSettings.Observation o = settings.observation();
    sources.add(
        QuorumObservation.eventSource(
            context, quorumClient, metrics, o.interval(), o.threads(), clock, agentTokens));
    return sources;
  }

  private static <R extends HasMetadata> InformerEventSource<R, QuorumCluster> ownedInformer(
      Class<R> type, EventSourceContext<QuorumCluster> context) {
    return new InformerEventSource<>(
        InformerEventSourceConfiguration.from(type, QuorumCluster.class)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(QuorumCluster.class))
            .build(),
        context);
  }

  @Override
  public UpdateControl<QuorumCluster> reconcile(QuorumCluster cr, Context<QuorumCluster> context) {
    long generation =
        cr.getMetadata().getGeneration() == null ? 0 : cr.getMetadata().getGeneration();
    QuorumClusterStatus previous =
        cr.getStatus() == null ? new QuorumClusterStatus() : cr.getStatus();
    Conditions conditions = new Conditions(previous.getConditions(), generation, clock);
    SpecValidator.Result validation =
        SpecValidator.validate(cr.getSpec(), settings.supportedKafkaVersions());
    if (!validation.valid()) {
      rejectSpec(cr, previous, conditions, validation);
      return UpdateControl.noUpdate();
    }
    cr = persistIdentity(cr, previous);
    Optional<QuorumSnapshot> snapshot = Observed.snapshot(cr, context, nodes);
    Optional<QuorumView> view = snapshot.flatMap(assessor(cr)::assess);
    if (view.isPresent()) {
      cr = markFormed(cr);
    }
    ClusterIdentity identity = Identities.kept(cr.getStatus());
    ClusterModel model =
        ClusterModel.from(
            cr, identity, settings.model(), Observed.controllerPodsToKeep(cr, snapshot, context));
    boolean paused =
        "true"
            .equals(
                cr.getMetadata().getAnnotations() == null
                    ? null
                    : cr.getMetadata().getAnnotations().get(QuorumCluster.PAUSED_ANNOTATION));
    if (!paused) {
      int writes = ensureSecret(cr, context);
      for (HasMetadata desired : model.all()) {
        writes += owned.apply(desired, context);
      }
      if (writes > 0) {
        LOG.infof(
            "cluster=%s/%s wrote %d owned objects",
            cr.getMetadata().getNamespace(), cr.getMetadata().getName(), writes);
      }
    }
    Healing.Step step =
        snapshot.isPresent()
            ? Healing.plan(
                cr,
                view,
                clock.instant(),
                Healing.policy(cr, settings.healing().strandedGrace())
                    .withStranded(Observed.strandedPods(cr, context, nodes, clock.instant()))
                    .withRetiring(Observed.retiring(cr))
                    .withZones(zones(snapshot.get())))
            : null;
    writeStatus(
        cr, model, conditions, validation, paused, generation, context, snapshot, view, step);
    if (step != null) {
      healing.act(cr, step, events); // after the operation is in status, never before
    }
    return UpdateControl.noUpdate();
  }

  /** The zone of each controller pod's node, by node id, where its node has one. */
  private static Map<Integer, String> zones(QuorumSnapshot snapshot) {
    Map<Integer, String> zones = new java.util.HashMap<>();
    snapshot.controllerPods().values().stream()
        .filter(p -> p.zone() != null)
        .forEach(p -> zones.put(p.nodeId(), p.zone()));
    return zones;
  }

  /** When a leader was last observed for this cluster by this operator process, if ever. */
  private Instant leaderSeen(QuorumCluster cr, Optional<QuorumView> view) {
    String key = QuorumObservation.key(cr);
    if (view.isPresent()) {
      leaderSeenAt.put(key, clock.instant());
    }
    return leaderSeenAt.get(key);
  }

  private QuorumAssessor assessor(QuorumCluster cr) {
    return new QuorumAssessor(
        settings.observation().caughtUpWithin(),
        Durations.parse(cr.getSpec().getHealing().getUnreachableAfter()));
  }

  /** Once a leader was seen, every empty controller disk joins as an observer, forever. */
  private QuorumCluster markFormed(QuorumCluster cr) {
    if (cr.getStatus().getBootstrap().isFormed()) {
      return cr;
    }
    QuorumClusterStatus next = copyOf(cr.getStatus());
    next.getBootstrap().setFormed(true);
    LOG.infof(
        "cluster=%s/%s quorum formed: new controller disks now join as observers",
        cr.getMetadata().getNamespace(), cr.getMetadata().getName());
    return statusWriter.write(cr, next);
  }

  private void rejectSpec(
      QuorumCluster cr,
      QuorumClusterStatus previous,
      Conditions conditions,
      SpecValidator.Result validation) {
    String message = String.join("; ", validation.errors());
    conditions.set(Conditions.SPEC_INVALID, true, "InvalidSpec", message);
    conditions.keep(Conditions.READY).keep(Conditions.QUORUM_HEALTHY).keep(Conditions.WARNING);
    if (conditions.becameTrue(Conditions.SPEC_INVALID)
        || conditions.changedWhileTrue(Conditions.SPEC_INVALID)) {
      LOG.warnf(
          "cluster=%s/%s spec rejected, last good objects kept: %s",
          cr.getMetadata().getNamespace(), cr.getMetadata().getName(), message);
      events.warning(cr, EventReason.SpecInvalid, message);
    }
    QuorumClusterStatus next = copyOf(previous);
    next.setConditions(conditions.build());
    statusWriter.write(cr, next);
  }

  /** The identity is written to status before any object that carries it exists. */
  private QuorumCluster persistIdentity(QuorumCluster cr, QuorumClusterStatus previous) {
    if (Identities.kept(previous) != null) {
      return cr;
    }
    ClusterIdentity identity = Identities.generate(cr);
    QuorumClusterStatus next = copyOf(previous);
    Identities.writeTo(next, identity);
    LOG.infof(
        "cluster=%s/%s generated cluster id %s",
        cr.getMetadata().getNamespace(), cr.getMetadata().getName(), identity.clusterId());
    return statusWriter.write(cr, next);
  }

  private int ensureSecret(QuorumCluster cr, Context<QuorumCluster> context) {
    String name = SecretModel.name(cr.getMetadata().getName());
    InformerEventSource<Secret, QuorumCluster> cache = OwnedResources.cache(Secret.class, context);
    if (cache.get(new ResourceID(name, cr.getMetadata().getNamespace())).isPresent()) {
      return 0; // a token, once issued, is kept
    }
    return owned.apply(SecretModel.render(cr, AgentToken.generate()), context);
  }

  private void writeStatus(
      QuorumCluster cr,
      ClusterModel model,
      Conditions conditions,
      SpecValidator.Result validation,
      boolean paused,
      long generation,
      Context<QuorumCluster> context,
      Optional<QuorumSnapshot> snapshot,
      Optional<QuorumView> view,
      Healing.Step step) {
    InformerEventSource<StatefulSet, QuorumCluster> sets =
        OwnedResources.cache(StatefulSet.class, context);
    Map<String, Optional<StatefulSet>> current = new LinkedHashMap<>();
    for (Pool pool : model.pools()) {
      current.put(
          pool.name(), sets.get(new ResourceID(pool.name(), cr.getMetadata().getNamespace())));
    }
    QuorumClusterStatus next = copyOf(cr.getStatus());
    Readiness readiness = Readiness.of(model.pools(), current);
    if (snapshot.isPresent()) {
      QuorumReport report =
          QuorumReport.of(
              cr.getStatus().getQuorum(),
              view,
              snapshot.get().failure(),
              cr.getSpec().getControllers().desiredVoters(),
              clock.instant(),
              settings.observation().refreshEvery(),
              leaderSeen(cr, view));
      next.setQuorum(report.status());
      QuorumReport.Verdict verdict = report.verdict();
      conditions.set(
          Conditions.QUORUM_HEALTHY, verdict.healthy(), verdict.reason(), verdict.message());
      if (view.isEmpty() && readiness.ready()) {
        readiness = new Readiness(false, "NoLeader", "pods run but no controller reports a leader");
      }
      report.notices().forEach(n -> record(cr, n));
      metrics.update(QuorumObservation.key(cr), view);
    } else {
      conditions.keep(Conditions.QUORUM_HEALTHY);
    }
    conditions.set(Conditions.READY, readiness.ready(), readiness.reason(), readiness.message());
    conditions.set(Conditions.SPEC_INVALID, false, "SpecAccepted", "the spec is valid");
    conditions.set(
        Conditions.PAUSED,
        paused,
        paused ? "PausedByAnnotation" : "NotPaused",
        paused
            ? "annotation " + QuorumCluster.PAUSED_ANNOTATION + " is true: no changes are made"
            : "the operator acts on this cluster");
    boolean warn = !validation.warnings().isEmpty();
    conditions.set(
        Conditions.WARNING,
        warn,
        warn ? "BelowRecommendedSizing" : "NoWarnings",
        warn ? String.join("; ", validation.warnings()) : "no warnings");
    if (step != null) {
      next.setOperation(step.operation());
      boolean inFlight = step.operation() != null;
      String reason =
          inFlight
              ? step.operation().getType()
              : step.action() instanceof io.quorumkeeper.operator.quorum.Action.Blocked
                  ? "Blocked"
                  : step.action() instanceof io.quorumkeeper.operator.quorum.Action.Wait
                      ? "Waiting"
                      : "NotNeeded";
      conditions.set(Conditions.HEALING, inFlight, reason, step.summary());
    } else {
      conditions.keep(Conditions.HEALING);
    }
    next.setObservedGeneration(generation);
    next.setConditions(conditions.build());
    statusWriter.write(cr, next);
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

  private QuorumClusterStatus copyOf(QuorumClusterStatus status) {
    QuorumClusterStatus copy =
        client
            .getKubernetesSerialization()
            .clone(status == null ? new QuorumClusterStatus() : status);
    return copy;
  }
}
