package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.PoolSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.StorageSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import io.quorumkeeper.operator.api.v1alpha1.status.KafkaStatus;
import io.quorumkeeper.operator.model.AcceptedSpec;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.MetadataVersions;
import io.quorumkeeper.operator.model.SpecValidator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The operator's verdict on a resource's spec, and what runs as a result: the spec itself when it
 * is accepted, else the last accepted one, so that observation and healing of the running cluster
 * go on while a refused spec waits to be corrected.
 *
 * @param running the resource with the spec that runs; empty when no spec was ever accepted
 */
record Acceptance(SpecValidator.Result validation, Optional<QuorumCluster> running) {

  boolean valid() {
    return validation.valid();
  }

  static Acceptance judge(
      QuorumCluster cr, Set<String> supportedVersions, Context<QuorumCluster> context) {
    // status.lastAcceptedSpec, parsed once for every rule that compares against it
    Optional<QuorumClusterSpec> accepted = AcceptedSpec.read(cr);
    SpecValidator.Result validation =
        SpecValidator.validate(
            cr.getMetadata().getName(),
            cr.getSpec(),
            supportedVersions,
            runningTopology(cr, accepted, context),
            Optional.ofNullable(Identities.kept(cr.getStatus())).map(i -> i.transport()));
    validation = withMetadataVersion(validation, cr, accepted);
    validation = withStorage(validation, cr, accepted);
    Optional<QuorumClusterSpec> spec = validation.valid() ? Optional.of(cr.getSpec()) : accepted;
    return new Acceptance(validation, spec.map(s -> AcceptedSpec.running(cr, s)));
  }

  /** Adds the rules of metadata.version (ADR 014), against the level status last saw finalized. */
  private static SpecValidator.Result withMetadataVersion(
      SpecValidator.Result validation, QuorumCluster cr, Optional<QuorumClusterSpec> accepted) {
    if (cr.getSpec() == null || cr.getSpec().getKafka() == null) {
      return validation;
    }
    KafkaStatus kafka = cr.getStatus() == null ? null : cr.getStatus().getKafka();
    List<String> errors = new ArrayList<>(validation.errors());
    errors.addAll(
        MetadataVersions.check(
            cr.getSpec().getKafka().getVersion(),
            cr.getSpec().getKafka().getMetadataVersion(),
            kafka == null ? null : kafka.getMetadataVersionLevel(),
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

  /**
   * The topology the cluster already runs: from the last accepted spec, or, if status was lost,
   * from the StatefulSets it owns.
   */
  private static Optional<Topology> runningTopology(
      QuorumCluster cr, Optional<QuorumClusterSpec> accepted, Context<QuorumCluster> context) {
    Optional<Topology> acceptedTopology = accepted.map(QuorumClusterSpec::getTopology);
    if (acceptedTopology.isPresent()) {
      return acceptedTopology;
    }
    var sets = OwnedResources.cache(StatefulSet.class, context);
    for (Topology topology : Topology.values()) {
      String name =
          cr.getMetadata().getName() + "-" + ClusterModel.poolKinds(topology).get(0).suffix();
      Optional<StatefulSet> set = sets.get(new ResourceID(name, cr.getMetadata().getNamespace()));
      if (set.isPresent() && OwnedResources.ownedBy(set.get(), cr)) {
        return Optional.of(topology);
      }
    }
    return Optional.empty();
  }
}
