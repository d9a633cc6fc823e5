package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.ControllersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.PoolSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.StorageSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.model.AcceptedSpec;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.MetadataVersions;
import io.quorumkeeper.operator.model.SpecValidator;
import io.quorumkeeper.operator.observe.RaftObservation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The operator's verdict on a resource's spec, and what runs as a result: the spec itself when it
 * is accepted, else the last accepted one, so that observation and healing of the running cluster
 * go on while a refused spec waits to be corrected.
 *
 * @param running the resource with the spec that runs; empty when no spec was ever accepted
 * @param votersKept while a spec is refused, the voter count the quorum has and healing keeps, when
 *     the stored spec it follows asks for fewer; 0 otherwise (see {@link #keepingVoters})
 */
record Acceptance(
    SpecValidator.Result validation, Optional<QuorumCluster> running, int votersKept) {

  Acceptance(SpecValidator.Result validation, Optional<QuorumCluster> running) {
    this(validation, running, 0);
  }

  boolean valid() {
    return validation.valid();
  }

  /**
   * @param unsettledAsk a metadata.version level this operator asked Kafka to finalize whose
   *     outcome Kafka has not shown yet ({@link Finalization#unsettledAsk}), empty when none
   */
  static Acceptance judge(
      QuorumCluster cr,
      Set<String> supportedVersions,
      Context<QuorumCluster> context,
      OptionalInt unsettledAsk) {
    Optional<Transport> transport =
        Optional.ofNullable(Identities.kept(cr.getStatus())).map(i -> i.transport());
    // status.lastAcceptedSpec, parsed once for every rule that compares against it, and checked for
    // what running it takes: status can be written by hand, and what is there runs (observed,
    // healed, rolled) while a newer spec is refused.
    Optional<QuorumClusterSpec> stored = AcceptedSpec.read(cr);
    Optional<OwnedControllers> owned = ownedControllers(cr, context);
    Optional<Topology> ownedTopology = owned.map(OwnedControllers::topology);
    SpecValidator.Result storedValidation =
        stored
            .map(s -> SpecValidator.validateRunning(cr.getMetadata().getName(), s, ownedTopology))
            .orElse(null);
    Optional<QuorumClusterSpec> accepted =
        storedValidation != null && storedValidation.valid() ? stored : Optional.empty();
    SpecValidator.Result validation =
        SpecValidator.validate(
            cr.getMetadata().getName(),
            cr.getSpec(),
            supportedVersions,
            accepted.map(QuorumClusterSpec::getTopology).or(() -> ownedTopology),
            transport);
    validation = withMetadataVersion(validation, cr, accepted, context, unsettledAsk);
    validation = withStorage(validation, cr, accepted);
    validation = withVoters(validation, cr, accepted, owned, context);
    if (storedValidation != null && !storedValidation.valid()) {
      validation = withIgnoredStoredSpec(validation, storedValidation);
    }
    Optional<QuorumClusterSpec> spec = validation.valid() ? Optional.of(cr.getSpec()) : accepted;
    return new Acceptance(validation, spec.map(s -> AcceptedSpec.running(cr, s)));
  }

  /**
   * While the spec is refused, the stored spec that runs may ask for fewer voters than {@code
   * voters}, the count of the view healing plans on: nobody asked for that shrink (the spec that
   * asks is refused, and the stored one may have been written by hand or restored from a backup
   * older than the quorum's growth), so healing keeps the count and a Warning says so. A shrink
   * started under an accepted spec waits too, until a spec is accepted again. This acceptance
   * otherwise.
   */
  Acceptance keepingVoters(int voters) {
    if (valid() || running.isEmpty() || running.get().getSpec().getControllers() == null) {
      return this;
    }
    int asked = running.get().getSpec().getControllers().desiredVoters();
    if (voters <= asked) {
      return this;
    }
    List<String> warnings = new ArrayList<>(validation.warnings());
    warnings.add(
        SpecValidator.LAST_ACCEPTED_SPEC_PREFIX
            + "asks for "
            + asked
            + " voters and the quorum has "
            + voters
            + ": "
            + VOTERS_KEPT);
    return new Acceptance(
        new SpecValidator.Result(validation.errors(), List.copyOf(warnings)), running, voters);
  }

  static final String VOTERS_KEPT =
      "no voter is removed to shrink the quorum while the spec is refused";

  /**
   * Adds the rules of metadata.version (ADR 014), against the highest finalized level known: the
   * one status last recorded, or the one the controllers reported in the latest observation, which
   * a hand edit of status cannot lower (the level never goes down); and a Kafka version that cannot
   * run a level this operator asked Kafka to finalize waits until Kafka shows whether it committed
   * (ADR 048).
   */
  private static SpecValidator.Result withMetadataVersion(
      SpecValidator.Result validation,
      QuorumCluster cr,
      Optional<QuorumClusterSpec> accepted,
      Context<QuorumCluster> context,
      OptionalInt unsettledAsk) {
    if (cr.getSpec() == null || cr.getSpec().getKafka() == null) {
      return validation;
    }
    Integer finalized = Observed.finalizedLevel(cr, context);
    List<String> errors = new ArrayList<>(validation.errors());
    String version = cr.getSpec().getKafka().getVersion();
    Optional<Integer> runs = MetadataVersions.latest(version);
    if (unsettledAsk.isPresent()
        && runs.isPresent()
        && runs.get() < unsettledAsk.getAsInt()
        && (finalized == null || finalized < unsettledAsk.getAsInt())) {
      errors.add(
          "kafka.version "
              + version
              + " runs metadata.version at most "
              + MetadataVersions.name(runs.get())
              + ", and the operator asked Kafka to finalize "
              + MetadataVersions.name(unsettledAsk.getAsInt())
              + " (or may have, before a restart) without seeing yet whether it committed; the"
              + " downgrade waits until Kafka shows it (docs/upgrades.md)");
    }
    errors.addAll(
        MetadataVersions.check(
            cr.getSpec().getKafka().getVersion(),
            cr.getSpec().getKafka().getMetadataVersion(),
            finalized,
            accepted.map(QuorumClusterSpec::getKafka).map(k -> k.getVersion()).orElse(null)));
    return new SpecValidator.Result(List.copyOf(errors), validation.warnings());
  }

  /**
   * Adds a refusal of a changed volume size or class against the last accepted spec: the
   * StatefulSets never take it (their claim templates are immutable), so accepting it would report
   * a change that never happens. The same rule as the schema's, for an API server that skipped it.
   */
  private static SpecValidator.Result withStorage(
      SpecValidator.Result validation, QuorumCluster cr, Optional<QuorumClusterSpec> accepted) {
    if (accepted.isEmpty() || cr.getSpec() == null) {
      return validation;
    }
    List<String> errors = new ArrayList<>(validation.errors());
    storage("controllers", accepted.get().getControllers(), cr.getSpec().getControllers(), errors);
    storage("brokers", accepted.get().getBrokers(), cr.getSpec().getBrokers(), errors);
    return new SpecValidator.Result(List.copyOf(errors), validation.warnings());
  }

  private static void storage(String pool, PoolSpec running, PoolSpec asked, List<String> errors) {
    if (running == null || asked == null) {
      return; // a pool added or dropped: the topology rules answer that
    }
    StorageSpec was = running.getStorage() == null ? new StorageSpec() : running.getStorage();
    StorageSpec now = asked.getStorage() == null ? new StorageSpec() : asked.getStorage();
    if (!Objects.equals(was.getSize(), now.getSize())) {
      errors.add(pool + "." + StorageSpec.SIZE_IMMUTABLE + " (it runs " + was.getSize() + ")");
    }
    if (!Objects.equals(was.getStorageClassName(), now.getStorageClassName())) {
      errors.add(pool + "." + StorageSpec.CLASS_IMMUTABLE);
    }
  }

  /** Says, as a warning, that the stored spec failed its check and is not what runs. */
  private static SpecValidator.Result withIgnoredStoredSpec(
      SpecValidator.Result validation, SpecValidator.Result stored) {
    List<String> warnings = new ArrayList<>(validation.warnings());
    warnings.add(
        STORED_SPEC_IGNORED
            + " ("
            + String.join("; ", stored.errors())
            + "): it is not run or compared against"
            + (validation.valid()
                ? "; this spec replaces it"
                : ", and nothing runs until a spec is accepted"));
    return new SpecValidator.Result(validation.errors(), List.copyOf(warnings));
  }

  static final String STORED_SPEC_IGNORED =
      SpecValidator.LAST_ACCEPTED_SPEC_PREFIX + "is not a spec the operator can run";

  /**
   * Refuses a spec that lowers the voter count without saying so: with {@code controllers.voters}
   * unset the count follows {@code replicas} (the largest odd number not above it), so 3 replicas
   * lowered to 2 would silently make a quorum of one voter, which survives no failure. Shrinking
   * the quorum takes {@code controllers.voters} set to the smaller count. The count it is held
   * against is the accepted spec's, or, with none readable (status lost or edited), the voters
   * Kafka last reported, or before any report the count the controller pool's pods imply (ADR 040).
   */
  private static SpecValidator.Result withVoters(
      SpecValidator.Result validation,
      QuorumCluster cr,
      Optional<QuorumClusterSpec> accepted,
      Optional<OwnedControllers> owned,
      Context<QuorumCluster> context) {
    if (cr.getSpec() == null
        || cr.getSpec().getControllers() == null
        || cr.getSpec().getControllers().getVoters() != null
        || !validation.valid()) {
      return validation;
    }
    OptionalInt was =
        accepted.isPresent()
            ? Optional.ofNullable(accepted.get().getControllers())
                .map(c -> OptionalInt.of(c.desiredVoters()))
                .orElse(OptionalInt.empty())
            : Observed.observation(cr, context)
                .flatMap(RaftObservation::raft)
                .map(raft -> OptionalInt.of(ControllersSpec.impliedVoters(raft.voters().size())))
                .orElseGet(() -> impliedByControllerPods(owned));
    int now = cr.getSpec().getControllers().desiredVoters();
    if (was.isEmpty() || now >= was.getAsInt()) {
      return validation;
    }
    List<String> errors = new ArrayList<>(validation.errors());
    errors.add(
        "controllers.replicas "
            + cr.getSpec().getControllers().getReplicas()
            + " with controllers.voters unset would lower the quorum from "
            + was.getAsInt()
            + (accepted.isPresent() ? "" : " (the voters the running cluster has)")
            + " to "
            + now
            + " voters; "
            + IMPLICIT_SHRINK);
    return new SpecValidator.Result(List.copyOf(errors), validation.warnings());
  }

  /**
   * The voters the owned controller StatefulSet's replicas imply, as the spec's {@code replicas}
   * would ({@link ControllersSpec#impliedVoters}); Kafka's own count is read the same way, since it
   * is one above the spec's while an add-first hand-over is in flight.
   */
  private static OptionalInt impliedByControllerPods(Optional<OwnedControllers> owned) {
    return owned
        .map(o -> o.set().getSpec() == null ? null : o.set().getSpec().getReplicas())
        .filter(replicas -> replicas > 0)
        .map(replicas -> OptionalInt.of(ControllersSpec.impliedVoters(replicas)))
        .orElse(OptionalInt.empty());
  }

  static final String IMPLICIT_SHRINK =
      "to shrink the quorum on purpose, set controllers.voters to the new count";

  /** The controller StatefulSet the cluster owns, and the topology its name says. */
  private record OwnedControllers(Topology topology, StatefulSet set) {}

  /** The controller StatefulSet the cluster owns, if any (status may have been lost). */
  private static Optional<OwnedControllers> ownedControllers(
      QuorumCluster cr, Context<QuorumCluster> context) {
    var sets = OwnedResources.cache(StatefulSet.class, context);
    for (Topology topology : Topology.values()) {
      String name =
          cr.getMetadata().getName() + "-" + ClusterModel.poolKinds(topology).get(0).suffix();
      Optional<StatefulSet> set = sets.get(new ResourceID(name, cr.getMetadata().getNamespace()));
      if (set.isPresent() && OwnedResources.ownedBy(set.get(), cr)) {
        return Optional.of(new OwnedControllers(topology, set.get()));
      }
    }
    return Optional.empty();
  }
}
