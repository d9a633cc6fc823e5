package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.security.ClusterCertificates;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Writes a TLS cluster's {@code <cluster>-ca} and then {@code <cluster>-tls} Secret, before any pod
 * that mounts them, and tells the model which certificates revision the pods should run. Whatever
 * goes wrong ends up as a line in the pass's "not written" list (condition Ready and an
 * ObjectNotWritten event), never as an exception.
 */
final class Certificates {

  private static final Logger LOG = Logger.getLogger(Certificates.class);

  /**
   * @param revision the certificates revision for the pod templates: the one written, or, when
   *     nothing was, the current Secret's
   * @param refused what could not be written, one readable line each
   * @param podsWait the cluster has no certificates yet and got none this pass (e.g. its CA is not
   *     there yet): pods could not start, so none of the cluster's objects are written
   */
  record Step(String revision, List<String> refused, boolean podsWait) {
    Step(String revision, List<String> refused) {
      this(revision, refused, false);
    }
  }

  private final ClusterCertificates issuer;
  private final CaSource caSource;
  private final OwnedResources owned;
  private final EventRecorder events;
  private final Clock clock;
  private final Consumer<String> tlsChanged;

  /**
   * @param tlsChanged told (namespace/name) when the operator's trust or certificate for a cluster
   *     was just written, so its clients stop using what they read before
   */
  Certificates(
      ClusterCertificates issuer,
      CaSource caSource,
      OwnedResources owned,
      EventRecorder events,
      Clock clock,
      Consumer<String> tlsChanged) {
    this.issuer = issuer;
    this.caSource = caSource;
    this.owned = owned;
    this.events = events;
    this.clock = clock;
    this.tlsChanged = tlsChanged;
  }

  /**
   * @param pools the pools as the model renders them
   * @param write false while the cluster is paused or its spec refused: nothing is written
   */
  Step ensure(QuorumCluster cr, List<Pool> pools, boolean write, Context<QuorumCluster> context) {
    String key = QuorumObservation.key(cr);
    String cluster = cr.getMetadata().getName();
    Optional<Secret> ca = current(cr, TlsSecretModel.caName(cluster), context);
    Optional<Secret> tls = current(cr, TlsSecretModel.tlsName(cluster), context);
    String currentRevision = ClusterCertificates.revision(tls);
    if (!write) {
      return new Step(currentRevision, List.of());
    }
    Instant now = clock.instant();
    CaSource.Wanted wanted = caSource.wanted(cr, context, now);
    if (wanted.problem().isPresent()) {
      return problem(key, currentRevision, wanted.problem().get(), tls.isEmpty());
    }
    ClusterCertificates.Outcome outcome;
    try {
      outcome =
          issuer.reconcile(
              cr, pools, pods(context), runningRevisions(context), wanted.ca(), ca, tls, now);
    } catch (RuntimeException e) {
      return problem(key, currentRevision, "certificates not issued: " + e.getMessage(), false);
    }
    if (outcome.problem().isPresent()) {
      return problem(key, currentRevision, outcome.problem().get(), tls.isEmpty());
    }
    if (changedMeanwhile(cr, ca, context) || changedMeanwhile(cr, tls, context)) {
      // Decided on a Secret someone changed since: its event brings the next pass, which decides
      // on what is there now instead of writing the old content back.
      return new Step(currentRevision, List.of());
    }
    List<String> refused = write(outcome.ca().get(), cr, context);
    if (refused.isEmpty()) {
      refused = write(outcome.tls().get(), cr, context); // only beside the CA that signed it
    }
    if (!refused.isEmpty()) {
      return new Step(currentRevision, refused);
    }
    if (!outcome.issued().isEmpty() || outcome.rotation().isPresent()) {
      tlsChanged.accept(key); // the operator's clients use the new trust and certificate at once
      announce(cr, outcome);
    }
    return new Step(outcome.revision(), List.of());
  }

  private List<String> write(Secret secret, QuorumCluster cr, Context<QuorumCluster> context) {
    Supplier<HasMetadata> desired = () -> secret;
    return owned.applyAll(List.of(desired), cr, context);
  }

  private Step problem(String key, String revision, String message, boolean podsWait) {
    // Said once as a Warning event (ObjectNotWritten, repeated only when it changes) and in Ready;
    // the log would say it every pass.
    LOG.debugf("cluster=%s certificates left as they are: %s", key, message);
    return new Step(revision, List.of("certificates: " + message), podsWait);
  }

  private void announce(QuorumCluster cr, ClusterCertificates.Outcome outcome) {
    if (outcome.rotation().isPresent()) {
      LOG.infof("cluster=%s %s", QuorumObservation.key(cr), outcome.rotation().get());
      events.normal(cr, EventReason.CaRotation, outcome.rotation().get());
    }
    if (outcome.issued().isEmpty()) {
      return;
    }
    String message =
        "issued certificates for "
            + String.join(", ", outcome.issued())
            + (outcome.rolls()
                ? "; running pods restart one at a time to load them"
                : "; no running pod needs a restart");
    LOG.infof("cluster=%s %s", QuorumObservation.key(cr), message);
    events.normal(cr, EventReason.CertificatesIssued, message);
  }

  private static boolean changedMeanwhile(
      QuorumCluster cr, Optional<Secret> read, Context<QuorumCluster> context) {
    if (read.isEmpty()) {
      return false;
    }
    Optional<Secret> now = current(cr, read.get().getMetadata().getName(), context);
    return now.isEmpty()
        || !Objects.equals(
            now.get().getMetadata().getResourceVersion(),
            read.get().getMetadata().getResourceVersion());
  }

  /** This cluster's Secret of that name, if it has one (one of someone else does not count). */
  private static Optional<Secret> current(
      QuorumCluster cr, String name, Context<QuorumCluster> context) {
    return OwnedResources.cache(Secret.class, context)
        .get(new ResourceID(name, cr.getMetadata().getNamespace()))
        .filter(secret -> OwnedResources.ownedBy(secret, cr));
  }

  /**
   * Each ready, non-terminating pod of the cluster and the certificates revision it was created
   * with ({@link Labels#CERTIFICATES}, empty when it has none): what a CA rotation waits for.
   */
  static Map<String, String> runningRevisions(Context<QuorumCluster> context) {
    Map<String, String> running = new HashMap<>();
    for (Pod pod : context.getSecondaryResources(Pod.class)) {
      var meta = pod.getMetadata();
      if (meta.getLabels() == null
          || !meta.getLabels().containsKey(Labels.CLUSTER)
          || meta.getDeletionTimestamp() != null
          || !Rolling.ready(pod)) {
        continue;
      }
      String revision =
          meta.getAnnotations() == null ? null : meta.getAnnotations().get(Labels.CERTIFICATES);
      running.put(meta.getName(), revision == null ? "" : revision);
    }
    return running;
  }

  /** The names of the cluster's pods that exist now. */
  private static Set<String> pods(Context<QuorumCluster> context) {
    return context.getSecondaryResources(Pod.class).stream()
        .filter(p -> p.getMetadata().getLabels() != null)
        .filter(p -> p.getMetadata().getLabels().containsKey(Labels.CLUSTER))
        .map(p -> p.getMetadata().getName())
        .collect(Collectors.toSet());
  }
}
