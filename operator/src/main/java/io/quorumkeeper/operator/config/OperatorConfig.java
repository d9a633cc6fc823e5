package io.quorumkeeper.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** Operator-wide settings, from application.properties or QUORUMKEEPER_* environment variables. */
@ConfigMapping(prefix = "quorumkeeper")
public interface OperatorConfig {

  /** Repository of the quorum-node image; the tag is the cluster's Kafka version. */
  @WithDefault("quorum-keeper/quorum-node")
  String imageRepository();

  /** Image pull policy of the pods. */
  @WithDefault("IfNotPresent")
  String imagePullPolicy();

  /**
   * Kafka versions there is a quorum-node image for: the build bundles 4.4.0 and, for upgrades from
   * it, 4.3.1 (docs/upgrades.md).
   */
  @WithDefault("4.3.1,4.4.0")
  Set<String> supportedKafkaVersions();

  /**
   * The namespaces whose QuorumClusters are reconciled; every namespace when unset. QOSDK reads it
   * through {@code quarkus.operator-sdk.controllers.quorumcluster.namespaces}
   * (application.properties), and the informers of what a cluster owns watch the same namespaces.
   */
  Optional<Set<String>> watchNamespaces();

  /**
   * The namespace the operator's pods run in (the Deployment sets it from the pod's own): the
   * clusters' NetworkPolicies admit the operator's pods to the controller, replication and agent
   * ports from this namespace only. Unset: from pods with the operator's label in any namespace.
   */
  Optional<String> operatorNamespace();

  /** How the quorum is observed. */
  Observe observe();

  /** How the quorum is healed. */
  Heal heal();

  /** How pods are rolled onto a new template. */
  Roll roll();

  /** How long the certificates of TLS clusters live (docs/security.md). */
  Tls tls();

  /** Which of several operator replicas acts. */
  LeaderElection leaderElection();

  /**
   * Leader election through a coordination.k8s.io Lease: only the holder reconciles and changes
   * voters; a replica that loses the Lease exits so that Kubernetes restarts it as a standby.
   */
  interface LeaderElection {

    /** Off only for a single replica run by hand; two replicas without it both act. */
    @WithDefault("true")
    boolean enabled();

    /** Name of the Lease. */
    @WithDefault("quorum-keeper-operator")
    String leaseName();

    /** Namespace of the Lease; the client's namespace (the pod's own) when unset. */
    Optional<String> leaseNamespace();

    /** This replica's name in the Lease; the pod name (HOSTNAME) when unset. */
    Optional<String> identity();

    /** How long a standby waits, after the last renewal it saw, before it takes the Lease. */
    @WithDefault("15s")
    Duration leaseDuration();

    /** The leader gives up (and exits) when it could not renew for this long. */
    @WithDefault("10s")
    Duration renewDeadline();

    /** How often the Lease is renewed by the leader and tried by a standby. */
    @WithDefault("2s")
    Duration retryPeriod();
  }

  /** Certificate lifetimes of TLS clusters. */
  interface Tls {

    /** Lifetime of a new cluster CA. */
    @WithDefault("1825d")
    Duration caValidity();

    /** Lifetime of a pod's and the operator's certificates. */
    @WithDefault("365d")
    Duration certificateValidity();

    /** A certificate expiring sooner than this is issued again (and the pods roll). */
    @WithDefault("30d")
    Duration renewBefore();

    /**
     * The operator's own cluster CA is rotated (a new CA trusted, then signing, then the old one
     * dropped: two rolls) when it expires sooner than this.
     */
    @WithDefault("90d")
    Duration caRenewBefore();
  }

  /** Healing settings. */
  interface Heal {

    /** A voter's pod stuck terminating this long, with no spare, is deleted to reschedule it. */
    @WithDefault("2m")
    Duration strandedGrace();
  }

  /** Rolling restart settings (docs/rolling-restarts.md). */
  interface Roll {

    /**
     * How long every pod must have been Ready before the roll restarts the next one: a template
     * that fails only once the pod serves (a memory limit too low for its load) then fails the pod
     * it restarted, not that one and the next voter with it.
     */
    @WithDefault("10s")
    Duration settle();
  }

  /** Quorum observation settings. */
  interface Observe {

    /** How often each cluster's controllers are asked for the quorum's state. */
    @WithDefault("2s")
    Duration interval();

    /** Bound of one observation; a cluster that does not answer costs an observer thread this. */
    @WithDefault("3s")
    Duration timeout();

    /** Threads observing clusters, shared by all clusters. */
    @WithDefault("4")
    int threads();

    /** A replica last caught up longer ago than this is Lagging (Kafka's fetch timeout). */
    @WithDefault("2s")
    Duration caughtUpWithin();

    /** While nothing else changes, lag numbers in status are refreshed at most this often. */
    @WithDefault("30s")
    Duration refreshEvery();
  }
}
