package io.quorumkeeper.operator.config;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Whether this operator replica may act on a quorum. JOSDK starts reconciling only once the Lease
 * is held; this keeps what the Lease callbacks said, so that a replica that knows it lost the Lease
 * sends no voter change (a reconcile may still be running while the JVM exits), and exits the JVM
 * on loss so that Kubernetes restarts the replica as a standby.
 *
 * <p>JOSDK's own exit on loss is off: in JOSDK 5.2 it calls {@code System.exit} on the thread that
 * cancels the election, which on a normal shutdown is the shutdown hook itself, and the JVM then
 * never ends (java-operator-sdk#1614, #3376). This exits from a thread of its own instead.
 *
 * <p>The callbacks' word is not enough before a change to a quorum: a replica paused past its lease
 * (a long GC pause, a frozen container, a node under memory pressure) still believes it leads until
 * its renewal thread runs again, and a reconcile thread may run first. So {@link #whyNotActing}
 * also reads the Lease itself and requires this replica's own renewal within the renew deadline
 * (ADR 047).
 */
public final class Leadership {

  private static final Logger LOG = Logger.getLogger(Leadership.class);

  /** Where this replica stands; LOST is final: the replica exits and comes back as a standby. */
  public enum State {
    STANDBY,
    LEADING,
    LOST
  }

  private final LeaderElectionSettings settings;
  private final Supplier<Lease> lease;
  private final Clock clock;
  private final Runnable exit;
  private final AtomicReference<State> state = new AtomicReference<>(State.STANDBY);
  private volatile boolean stopping;

  /** The app's: the Lease read through {@code client}, a JVM exit on loss. */
  public Leadership(LeaderElectionSettings settings, KubernetesClient client) {
    this(settings, leaseOf(settings, client), Clock.systemUTC(), Leadership::exitJvm);
  }

  Leadership(LeaderElectionSettings settings, Supplier<Lease> lease, Clock clock, Runnable exit) {
    this.settings = settings;
    this.lease = lease;
    this.clock = clock;
    this.exit = exit;
  }

  /** Election off: the only replica always acts. */
  public static Leadership unelected() {
    return new Leadership(LeaderElectionSettings.off(), () -> null, Clock.systemUTC(), () -> {});
  }

  /** Reads the Lease where JOSDK campaigns for it: the configured namespace, or the client's. */
  static Supplier<Lease> leaseOf(LeaderElectionSettings settings, KubernetesClient client) {
    return () ->
        client
            .resources(Lease.class)
            .inNamespace(settings.leaseNamespace().orElseGet(client::getNamespace))
            .withName(settings.leaseName())
            .get();
  }

  /**
   * Why this replica may not change a quorum now, or empty when it may: election is off, or the
   * callbacks say it leads and the Lease, read now, names it and was renewed by it within the renew
   * deadline. The renew time is this replica's own clock's (it wrote it), so the check needs no
   * agreement between clocks; a standby takes the Lease only {@code leaseDuration} after that
   * renewal by its own clock, which leaves the change {@code leaseDuration - renewDeadline} (5 s by
   * default) to reach Kafka, less whatever the standby's clock runs ahead. One API read per call:
   * changes to a quorum are rare.
   */
  public Optional<String> whyNotActing() {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    if (state.get() != State.LEADING) {
      return Optional.of("does not hold the leader Lease (" + state.get() + ")");
    }
    Lease now;
    try {
      now = lease.get();
    } catch (RuntimeException e) { // the API's refusal, a timeout, an unreadable answer
      return Optional.of("could not read the leader Lease to confirm it: " + e);
    }
    String holder = now == null || now.getSpec() == null ? null : now.getSpec().getHolderIdentity();
    if (!identity().equals(holder)) {
      return Optional.of(
          "believes it holds the leader Lease, but the Lease names "
              + (holder == null || holder.isBlank() ? "no holder" : holder));
    }
    Instant renewed =
        now.getSpec().getRenewTime() == null ? null : now.getSpec().getRenewTime().toInstant();
    Instant at = clock.instant();
    if (renewed == null || !renewed.plus(settings.renewDeadline()).isAfter(at)) {
      return Optional.of(
          "last renewed the leader Lease at "
              + renewed
              + ", longer than the renew deadline ("
              + settings.renewDeadline()
              + ") before "
              + at
              + ": it may have been paused, and another replica may take the Lease");
    }
    return Optional.empty();
  }

  public State state() {
    return state.get();
  }

  public String identity() {
    return settings.identity();
  }

  /**
   * The app is shutting down: JOSDK will report the Lease as lost when it stops the election, which
   * is then no reason to exit. (JOSDK 5.2 does not release the Lease: a standby takes over once it
   * expires, within the lease duration.)
   */
  public void stopping() {
    stopping = true;
  }

  /** What JOSDK is given; empty when election is off. */
  public Optional<LeaderElectionConfiguration> josdkConfiguration() {
    if (!settings.enabled()) {
      return Optional.empty();
    }
    LeaderElectionConfigurationBuilder builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName())
            .withIdentity(settings.identity())
            .withLeaseDuration(settings.leaseDuration())
            .withRenewDeadline(settings.renewDeadline())
            .withRetryPeriod(settings.retryPeriod())
            .withLeaderCallbacks(new LeaderCallbacks(this::started, this::lost, leader -> {}))
            .withExitOnStopLeading(false);
    settings.leaseNamespace().ifPresent(builder::withLeaseNamespace);
    return Optional.of(builder.build());
  }

  private void started() {
    if (state.compareAndSet(State.STANDBY, State.LEADING)) {
      LOG.infof("%s holds the Lease %s: reconciling", identity(), settings.leaseName());
    }
  }

  private void lost() {
    if (state.getAndSet(State.LOST) != State.LEADING) {
      return;
    }
    if (stopping) {
      LOG.infof("%s stops: it sends no further voter change", identity());
      return;
    }
    LOG.warnf(
        "%s lost the Lease %s: it sends no further voter change%s",
        identity(), settings.leaseName(), settings.exitOnLoss() ? " and exits" : "");
    if (settings.exitOnLoss()) {
      exit.run();
    }
  }

  /**
   * On a thread of its own: the loss may be reported on a thread that shutdown waits for, where
   * System.exit would wait for itself.
   */
  private static void exitJvm() {
    Thread exiting = new Thread(() -> System.exit(1), "leader-lease-lost-exit");
    exiting.setDaemon(true);
    exiting.start();
  }
}
