package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import io.quorumkeeper.operator.event.EventReason;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.model.ClusterIdentity;
import io.quorumkeeper.operator.model.ConfigMapModel;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.observe.RaftObservation;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.status.StatusWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * What status records once and for ever about how the cluster was bootstrapped: its identity
 * (cluster id, transport, default listener authentication) before any object carries it, and that
 * its quorum formed.
 */
final class BootstrapRecords {

  private static final Logger LOG = Logger.getLogger(BootstrapRecords.class);

  private final StatusWriter statusWriter;
  private final EventRecorder events;

  BootstrapRecords(StatusWriter statusWriter, EventRecorder events) {
    this.statusWriter = statusWriter;
    this.events = events;
  }

  /**
   * The identity is written to status before any object that carries it exists. If status lost it
   * while the cluster's objects remain, it is read back from the bootstrap instructions those
   * objects carry: a cluster never gets a second cluster id.
   */
  QuorumCluster persistIdentity(QuorumCluster cr, Context<QuorumCluster> context) {
    QuorumClusterStatus previous =
        cr.getStatus() == null ? new QuorumClusterStatus() : cr.getStatus();
    ClusterIdentity kept = Identities.kept(previous);
    if (kept != null
        && previous.getBootstrap().getTransport() != null
        && previous.getBootstrap().getClientAuthentication() != null) {
      return cr;
    }
    if (kept != null) {
      // Status from before transports or authenticated default listeners: write down the
      // plaintext and the anonymous 9092 the cluster has always run (ADR 012, ADR 015).
      QuorumClusterStatus next = statusWriter.copy(previous);
      next.getBootstrap().setTransport(kept.transport());
      next.getBootstrap().setClientAuthentication(kept.clients());
      LOG.infof(
          "cluster=%s transport %s, default listener authentication %s (the cluster predates"
              + " them, ADR 012, ADR 015)",
          QuorumObservation.key(cr), kept.transport(), kept.clients());
      return statusWriter.write(cr, next);
    }
    Optional<ClusterIdentity> recovered =
        Identities.recover(PoolConfigMaps.ofControllerPool(cr, context));
    ClusterIdentity identity = recovered.orElseGet(() -> Identities.generate(cr));
    QuorumClusterStatus next = statusWriter.copy(previous);
    Identities.writeTo(next, identity);
    LOG.infof(
        "cluster=%s %s cluster id %s, transport %s",
        QuorumObservation.key(cr),
        recovered.isPresent() ? "recovered from its ConfigMap the" : "generated",
        identity.clusterId(),
        identity.transport());
    return statusWriter.write(cr, next);
  }

  /** Once a leader was seen, every empty controller disk joins as an observer, forever. */
  QuorumCluster markFormed(QuorumCluster cr) {
    if (QuorumObservation.formed(cr)) {
      return cr;
    }
    QuorumClusterStatus next = statusWriter.copy(cr.getStatus());
    next.getBootstrap().setFormed(true);
    LOG.infof(
        "cluster=%s quorum formed: new controller disks now join as observers",
        QuorumObservation.key(cr));
    return statusWriter.write(cr, next);
  }

  /**
   * The identity this pass renders with, once status's cluster id is held against Kafka's word and
   * the controller pool's ConfigMaps (ADR 027). Status can be edited by hand or restored from an
   * old backup; a cluster id the disks do not carry, rendered into the ConfigMaps, makes every pod
   * that restarts refuse its disk. The disks of the controllers that are voters in a quorum decide
   * when their agents report them: status takes their id if it has another (and the ConfigMaps
   * follow). Without their word, a ConfigMap whose id differs from status's is kept as it is and
   * the conflict reported, since either may be the edited one. Initial voters follow the cluster
   * id; a conflict of theirs alone is not judged (they matter only to a quorum that has not
   * formed).
   */
  Checked checkAgainstConfigMaps(QuorumCluster read, Context<QuorumCluster> context) {
    QuorumCluster cr = read;
    ClusterIdentity kept = Identities.kept(cr.getStatus());
    if (kept == null) {
      return new Checked(cr, Optional.empty());
    }
    String inStatus = kept.clusterId();
    List<ConfigMap> maps = PoolConfigMaps.ofControllerPool(cr, context);
    Optional<ClusterIdentity> given =
        Identities.recover(maps).filter(id -> Identities.kafkaId(id.clusterId()));
    // judged only on a server.properties found: without one, recover reads Plaintext
    Optional<String> serverMap = mapHolding(maps, ConfigMapModel.SERVER_PROPERTIES);
    if (given.isPresent() && given.get().transport() != kept.transport() && serverMap.isPresent()) {
      Checked transport = transportConflict(cr, kept, given.get(), serverMap.get());
      if (transport.held().isPresent()) {
        return transport;
      }
      // restored: what follows judges the restored status, in this same pass
      cr = transport.cr();
      kept = Identities.kept(cr.getStatus());
    }
    boolean transportRuns = given.isPresent() && serverMap.isPresent();
    cr = clientsChecked(cr, kept, transportRuns, context);
    if (given.isPresent()
        && given.get().clusterId().equals(inStatus)
        && given.get().formed()
        && !kept.formed()) {
      // a quorum that formed never unforms: rendered, false would let an empty initial voter's
      // disk be formatted as a new quorum's (ADR 043)
      QuorumClusterStatus next = statusWriter.copy(cr.getStatus());
      next.getBootstrap().setFormed(true);
      cr =
          restored(
                  cr,
                  next,
                  "status.bootstrap.formed false is not what the controllers were given: ConfigMap "
                      + bootstrapMapName(maps)
                      + " says the quorum formed, which never goes back: status restored to true")
              .cr();
    }
    Map<Integer, AgentReport> agents =
        Observed.observation(cr, context).map(RaftObservation::agents).orElse(Map.of());
    Optional<String> onDisks = Identities.onDisks(agents);
    if (onDisks.isPresent() && !onDisks.get().equals(inStatus)) {
      boolean asGiven = given.filter(id -> id.clusterId().equals(onDisks.get())).isPresent();
      return restored(
          cr,
          inStatus,
          onDisks.get(),
          asGiven ? given.get().initialVoters() : kept.initialVoters(),
          asGiven ? "as in ConfigMap " + bootstrapMapName(maps) : "which no ConfigMap gives");
    }
    if (given.isEmpty() || given.get().clusterId().equals(inStatus)) {
      return new Checked(cr, Optional.empty());
    }
    String inMaps = given.get().clusterId();
    if (onDisks.isPresent()) {
      LOG.warnf(
          "cluster=%s ConfigMap %s gives cluster id %s, the controllers' disks and status have %s:"
              + " rewritten",
          QuorumObservation.key(cr), bootstrapMapName(maps), inMaps, inStatus);
      return new Checked(cr, Optional.empty());
    }
    String message =
        "ConfigMap "
            + bootstrapMapName(maps)
            + " keeps cluster id "
            + inMaps
            + ": status.clusterId is "
            + inStatus
            + " and no controller's disk has said which is right ("
            + disksSaid(agents)
            + ")";
    // Ready=False and an ObjectNotWritten event carry the message (the reconciler's refusals).
    return new Checked(cr, Optional.of(new Held(given.get(), message)));
  }

  /**
   * A transport in status that is not the one the controller pool's ConfigMaps run (ADR 038). It is
   * fixed at creation, so one of the two was edited. A CONTROLLER listener over SSL is what the
   * operator renders for a TLS cluster only, with the certificates its pods mount: status is
   * restored to TLS. The other way round either may be the edited one, and rendering status's
   * transport would restart pods into a quorum they cannot reach: nothing is written until a person
   * mends the one that is wrong.
   */
  private Checked transportConflict(
      QuorumCluster cr, ClusterIdentity kept, ClusterIdentity given, String map) {
    if (given.transport() == Transport.TLS) {
      QuorumClusterStatus next = statusWriter.copy(cr.getStatus());
      next.getBootstrap().setTransport(Transport.TLS);
      String message =
          "status.bootstrap.transport "
              + kept.transport()
              + " is not the transport of the controllers (TLS, as in ConfigMap "
              + map
              + "): status restored to it";
      return restored(cr, next, message);
    }
    String message =
        "ConfigMap "
            + map
            + " runs the controllers over "
            + given.transport()
            + ": status.bootstrap.transport is "
            + kept.transport()
            + "; a cluster's transport never changes, so one of them was edited. Nothing is"
            + " written until one is set back (the ConfigMap is immutable: delete it and it is"
            + " rendered again from status)";
    return new Checked(cr, Optional.of(new Held(kept, message, true)));
  }

  /**
   * How the clients of a cluster without {@code spec.listeners} authenticate, judged against what
   * the pool serving clients runs (ADR 041); the cluster, with status restored if it was. Status
   * says it and nothing else does once the cluster exists; rendered, a value edited to anything but
   * {@code scram-sha-512} on a TLS cluster opens an anonymous 9092 at the next roll. A TLS
   * cluster's default listener is anonymous only for a cluster from before authenticated default
   * listeners, whose pods run that anonymous listener: where they do not (or no ConfigMap of the
   * pool exists yet, which such a cluster always has), status is restored to {@code scram-sha-512},
   * which opens nothing. A Plaintext cluster's one listener is anonymous (it has no certificates
   * for another): a different value there is restored to {@code none} once its ConfigMaps confirm
   * the transport. With listeners declared the value is not rendered, and is judged when they are
   * dropped, before that pass renders.
   */
  private QuorumCluster clientsChecked(
      QuorumCluster cr,
      ClusterIdentity kept,
      boolean transportRuns,
      Context<QuorumCluster> context) {
    if (cr.getSpec().getListeners() != null && !cr.getSpec().getListeners().isEmpty()) {
      return cr;
    }
    Optional<ConfigMap> server = PoolConfigMaps.servingClients(cr, context);
    ListenerAuthentication inStatus = kept.clients();
    if (!kept.tls()) {
      if (inStatus == ListenerAuthentication.NONE || !transportRuns || server.isEmpty()) {
        return cr;
      }
      return clientsRestored(
          cr,
          inStatus,
          ListenerAuthentication.NONE,
          "is not possible on a Plaintext cluster, whose one listener is anonymous (as in ConfigMap "
              + server.get().getMetadata().getName()
              + ")");
    }
    boolean anonymousRuns;
    try {
      anonymousRuns =
          server.isPresent()
              && Identities.anonymousListener(
                  server.get().getData().get(ConfigMapModel.SERVER_PROPERTIES));
    } catch (IOException | RuntimeException unreadable) {
      anonymousRuns = false;
    }
    if (inStatus == ListenerAuthentication.SCRAM_SHA_512 || anonymousRuns) {
      return cr;
    }
    return clientsRestored(
        cr,
        inStatus,
        ListenerAuthentication.SCRAM_SHA_512,
        "would open an anonymous listener on "
            + Pool.KAFKA_PORT
            + " that "
            + server
                .map(map -> "ConfigMap " + map.getMetadata().getName() + " does not run")
                .orElse("no ConfigMap of the cluster runs yet")
            + " (a TLS cluster's default listener is anonymous only if it has run one since it"
            + " was created)");
  }

  /** The cluster with its clients' authentication restored to {@code to}, {@code why} said. */
  private QuorumCluster clientsRestored(
      QuorumCluster cr, ListenerAuthentication was, ListenerAuthentication to, String why) {
    QuorumClusterStatus next = statusWriter.copy(cr.getStatus());
    next.getBootstrap().setClientAuthentication(to);
    String message =
        "status.bootstrap.clientAuthentication "
            + jsonName(was)
            + " "
            + why
            + ": status restored to "
            + jsonName(to);
    return restored(cr, next, message).cr();
  }

  /** The name the resource gives {@code authentication}. */
  private static String jsonName(ListenerAuthentication authentication) {
    return switch (authentication) {
      case NONE -> "none";
      case SCRAM_SHA_512 -> "scram-sha-512";
      case TLS -> "tls";
    };
  }

  /**
   * Status with the disks' cluster id: their nodes are voters in a quorum, so it has formed. The
   * initial voters are the ConfigMaps' when they give the same id, else left as they are (they
   * matter only before a first leader).
   */
  private Checked restored(
      QuorumCluster cr,
      String inStatus,
      String onDisks,
      List<VoterRef> initialVoters,
      String where) {
    QuorumClusterStatus next = statusWriter.copy(cr.getStatus());
    next.setClusterId(onDisks);
    next.getBootstrap().setInitialVoters(new ArrayList<>(initialVoters));
    next.getBootstrap().setFormed(true);
    String message =
        "status.clusterId "
            + inStatus
            + " is not the cluster id of the controllers' disks, "
            + onDisks
            + " ("
            + where
            + "): status restored to it";
    return restored(cr, next, message);
  }

  /** Writes status restored as {@code message} says, with a log line and a Warning event. */
  private Checked restored(QuorumCluster cr, QuorumClusterStatus next, String message) {
    LOG.warnf("cluster=%s %s", QuorumObservation.key(cr), message);
    events.warning(cr, EventReason.IdentityRestored, message);
    return new Checked(statusWriter.write(cr, next), Optional.empty());
  }

  /** The name of the newest controller ConfigMap that holds {@code file}, if any. */
  private static Optional<String> mapHolding(List<ConfigMap> maps, String file) {
    return maps.stream()
        .filter(m -> m.getData() != null && m.getData().containsKey(file))
        .findFirst()
        .map(m -> m.getMetadata().getName());
  }

  /** The name of the controller ConfigMap that holds bootstrap.properties, for a message. */
  private static String bootstrapMapName(List<ConfigMap> maps) {
    return mapHolding(maps, ConfigMapModel.BOOTSTRAP_PROPERTIES).orElse("of the controller pool");
  }

  /** What the agents said of their disks' cluster ids, for a message. */
  private static String disksSaid(Map<Integer, AgentReport> agents) {
    TreeSet<String> ids = new TreeSet<>();
    agents.values().forEach(a -> a.diskClusterId().ifPresent(ids::add));
    return ids.isEmpty()
        ? "no agent reported a formatted disk"
        : "the agents report " + String.join(" and ", ids);
  }

  /** The cluster, status restored if it was; the ConfigMaps' identity held if it conflicts. */
  record Checked(QuorumCluster cr, Optional<Held> held) {

    /** Whether nothing may be written this pass (a transport conflict, ADR 038). */
    boolean holdsWrites() {
      return held.filter(Held::holdsWrites).isPresent();
    }

    /** The identity to render: status's, with the held cluster id and initial voters if any. */
    ClusterIdentity identity(QuorumCluster latest) {
      ClusterIdentity kept = Identities.kept(latest.getStatus());
      return held.map(
              h ->
                  new ClusterIdentity(
                      h.given().clusterId(),
                      h.given().initialVoters(),
                      kept.formed() || h.given().formed(),
                      kept.transport(),
                      kept.clients()))
          .orElse(kept);
    }
  }

  /**
   * A ConfigMap's cluster id kept against status's, and why; or, with {@code holdsWrites}, a
   * conflict for which nothing is written.
   */
  record Held(ClusterIdentity given, String message, boolean holdsWrites) {

    Held(ClusterIdentity given, String message) {
      this(given, message, false);
    }
  }
}
