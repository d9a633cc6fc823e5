package io.quorumkeeper.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
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
  private final Runnable exit;
  private final AtomicReference<State> state = new AtomicReference<>(State.STANDBY);
  private volatile boolean stopping;

  public Leadership(LeaderElectionSettings settings) {
    this(settings, Leadership::exitJvm);
  }

  Leadership(LeaderElectionSettings settings, Runnable exit) {
    this.settings = settings;
    this.exit = exit;
  }

  /** Election off: the only replica always acts. */
  public static Leadership unelected() {
    return new Leadership(LeaderElectionSettings.off());
  }

  /** True while this replica holds the Lease, or always when election is off. */
  public boolean mayAct() {
    return !settings.enabled() || state.get() == State.LEADING;
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
