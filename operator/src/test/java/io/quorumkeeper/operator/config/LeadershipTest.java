package io.quorumkeeper.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quorumkeeper.operator.observe.LeaderOnlyQuorumClient;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What the Lease callbacks, and the Lease read before each change (ADR 047), mean for voter
 * changes, and what JOSDK is given. The Lease lives in Fabric8's mock API (CRUD mode).
 */
@EnableKubernetesMockClient(crud = true)
class LeadershipTest {

  KubernetesClient client;

  static final String CLUSTER = "kafka/inventory";
  static final Incarnation SPARE = new Incarnation(3, "dir3");

  final AtomicInteger exits = new AtomicInteger();
  final FakeQuorumClient kafka = new FakeQuorumClient(Clock.systemUTC());
  final QuorumScript script = kafka.script(CLUSTER, 3).observer(3);

  @Test
  void givenElectionOff_thenVoterChangesAreSentAndJosdkGetsNoElection() throws Exception {
    Leadership leadership = Leadership.unelected();

    client(leadership).addVoter(CLUSTER, "b", SPARE, "host", 9093);

    assertThat(script.changes).containsExactly("add 3/dir3");
    assertThat(leadership.josdkConfiguration()).isEmpty();
  }

  @Test
  void givenStandby_thenNoVoterChangeIsSent() {
    Leadership leadership = elected(true);

    assertThatThrownBy(() -> client(leadership).addVoter(CLUSTER, "b", SPARE, "host", 9093))
        .isInstanceOf(QuorumUnavailableException.class)
        .hasMessageContaining("replica-a does not hold the leader Lease (STANDBY)");
    assertThat(script.changes).isEmpty();
  }

  @Test
  void givenTheLeaseRenewedByThisReplicaJustNow_thenAVoterChangeIsSent() throws Exception {
    Leadership leadership = leading();
    lease("replica-a", Instant.now());

    client(leadership).addVoter(CLUSTER, "b", SPARE, "host", 9093);

    assertThat(script.changes).containsExactly("add 3/dir3");
  }

  /**
   * A replica paused past its lease (a GC pause, a frozen container) still believes it leads until
   * its renewal thread runs; a standby has meanwhile taken the Lease and plans for the quorum.
   */
  @Test
  void givenAnotherReplicaTookTheLeaseWhileThisOneWasPaused_thenNoVoterChangeIsSent() {
    Leadership leadership = leading();
    lease("replica-b", Instant.now());

    assertThatThrownBy(() -> client(leadership).addVoter(CLUSTER, "b", SPARE, "host", 9093))
        .isInstanceOf(QuorumUnavailableException.class)
        .hasMessageContaining(
            "replica-a believes it holds the leader Lease, but the Lease names" + " replica-b");
    assertThat(script.changes).isEmpty();
  }

  @Test
  void givenThisReplicaLastRenewedLongerAgoThanTheRenewDeadline_thenNoVoterChangeIsSent() {
    Leadership leadership = leading();
    lease("replica-a", Instant.now().minusSeconds(11)); // renew deadline 10 s, lease 15 s

    assertThatThrownBy(
            () -> client(leadership).removeVoter(CLUSTER, "b", new Incarnation(1, "dir1")))
        .isInstanceOf(QuorumUnavailableException.class)
        .hasMessageContaining("longer than the renew deadline (PT10S)");
    assertThat(script.changes).isEmpty();
  }

  @Test
  void givenTheLeaseCannotBeRead_thenNothingIsChanged() {
    LeaderElectionSettings settings = settings(Optional.of("quorum-keeper"), false);
    Leadership leadership =
        new Leadership(
            settings,
            () -> {
              throw new IllegalStateException("unreadable answer");
            },
            Clock.systemUTC(),
            exits::incrementAndGet);
    callbacks(leadership).onStartLeading();

    assertThatThrownBy(() -> client(leadership).addVoter(CLUSTER, "b", SPARE, "host", 9093))
        .isInstanceOf(QuorumUnavailableException.class)
        .hasMessageContaining("could not read the leader Lease to confirm it");
    assertThat(client(leadership).mayNotWrite())
        .as("pods are neither evicted nor deleted either")
        .isPresent();
    assertThat(script.changes).isEmpty();
  }

  @Test
  void givenElectionOff_thenTheLeaseIsNeverRead() {
    AtomicInteger reads = new AtomicInteger();
    Leadership leadership =
        new Leadership(
            LeaderElectionSettings.off(),
            () -> {
              reads.incrementAndGet();
              return null;
            },
            Clock.systemUTC(),
            exits::incrementAndGet);

    assertThat(client(leadership).mayNotWrite()).isEmpty();
    assertThat(reads).hasValue(0);
  }

  @Test
  void givenNoLeaseAtAll_thenNoVoterChangeIsSent() {
    Leadership leadership = leading();

    assertThatThrownBy(() -> client(leadership).addVoter(CLUSTER, "b", SPARE, "host", 9093))
        .isInstanceOf(QuorumUnavailableException.class)
        .hasMessageContaining("the Lease names no holder");
    assertThat(script.changes).isEmpty();
  }

  @Test
  void givenNoLeaseNamespace_thenTheLeaseIsReadInTheClientsNamespace() throws Exception {
    Leadership leadership = new Leadership(settings(Optional.empty(), false), client);
    callbacks(leadership).onStartLeading();
    lease(client.getNamespace(), "replica-a", Instant.now());

    client(leadership).addVoter(CLUSTER, "b", SPARE, "host", 9093);

    assertThat(script.changes).containsExactly("add 3/dir3");
  }

  @Test
  void givenLeaseLost_thenNoVoterChangeIsSentEvenIfLeadershipIsReportedAgain_andTheJvmExits()
      throws Exception {
    Leadership leadership = elected(true);
    LeaderCallbacks callbacks = callbacks(leadership);
    callbacks.onStartLeading();
    lease("replica-a", Instant.now());
    client(leadership).removeVoter(CLUSTER, "b", new Incarnation(1, "dir1"));

    callbacks.onStopLeading();
    callbacks.onStartLeading();

    assertThatThrownBy(() -> client(leadership).addVoter(CLUSTER, "b", SPARE, "host", 9093))
        .isInstanceOf(QuorumUnavailableException.class)
        .hasMessageContaining("(LOST)");
    assertThat(script.changes).containsExactly("remove 1/dir1");
    assertThat(exits).hasValue(1);
  }

  @Test
  void givenAppStopping_whenJosdkReportsTheLeaseLost_thenNoVoterChangeAndNoExit() {
    Leadership leadership = elected(true);
    LeaderCallbacks callbacks = callbacks(leadership);
    callbacks.onStartLeading();

    leadership.stopping();
    callbacks.onStopLeading();

    assertThat(leadership.whyNotActing()).isPresent();
    assertThat(exits).hasValue(0);
  }

  @Test
  void givenSettings_thenJosdkGetsThemWithoutItsOwnExit() {
    LeaderElectionConfiguration josdk = elected(true).josdkConfiguration().orElseThrow();

    assertThat(josdk.getLeaseName()).isEqualTo("quorum-keeper-operator");
    assertThat(josdk.getLeaseNamespace()).contains("quorum-keeper");
    assertThat(josdk.getIdentity()).contains("replica-a");
    assertThat(josdk.getLeaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(josdk.getRenewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(josdk.getRetryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(josdk.isExitOnStopLeading())
        .as("JOSDK 5.2 exits on the shutdown hook's thread and hangs; Leadership exits instead")
        .isFalse();
  }

  private Leadership elected(boolean exitOnLoss) {
    LeaderElectionSettings settings = settings(Optional.of("quorum-keeper"), exitOnLoss);
    return new Leadership(
        settings, Leadership.leaseOf(settings, client), Clock.systemUTC(), exits::incrementAndGet);
  }

  private static LeaderElectionSettings settings(Optional<String> namespace, boolean exitOnLoss) {
    return new LeaderElectionSettings(
        true,
        LeaderElectionSettings.DEFAULT_LEASE_NAME,
        namespace,
        "replica-a",
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        Duration.ofSeconds(2),
        exitOnLoss);
  }

  /** A replica whose callbacks said it leads. */
  private Leadership leading() {
    Leadership leadership = elected(false);
    callbacks(leadership).onStartLeading();
    return leadership;
  }

  private void lease(String holder, Instant renewed) {
    lease("quorum-keeper", holder, renewed);
  }

  /** The Lease as Fabric8's elector writes it: holder and renew time. */
  private void lease(String namespace, String holder, Instant renewed) {
    Lease lease =
        new LeaseBuilder()
            .withNewMetadata()
            .withName(LeaderElectionSettings.DEFAULT_LEASE_NAME)
            .withNamespace(namespace)
            .endMetadata()
            .withNewSpec()
            .withHolderIdentity(holder)
            .withLeaseDurationSeconds(15)
            .withRenewTime(renewed.atZone(ZoneOffset.UTC))
            .withAcquireTime(renewed.atZone(ZoneOffset.UTC))
            .endSpec()
            .build();
    client.resource(lease).createOr(existing -> existing.update());
  }

  private static LeaderCallbacks callbacks(Leadership leadership) {
    return leadership.josdkConfiguration().orElseThrow().getLeaderCallbacks().orElseThrow();
  }

  private QuorumClient client(Leadership leadership) {
    return new LeaderOnlyQuorumClient(kafka, leadership);
  }
}
