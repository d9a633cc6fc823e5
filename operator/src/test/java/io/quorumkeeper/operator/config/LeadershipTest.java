package io.quorumkeeper.operator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quorumkeeper.operator.observe.LeaderOnlyQuorumClient;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the Lease callbacks mean for voter changes, and what JOSDK is given. */
class LeadershipTest {

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
  void givenLeaseLost_thenNoVoterChangeIsSentEvenIfLeadershipIsReportedAgain_andTheJvmExits()
      throws Exception {
    Leadership leadership = elected(true);
    LeaderCallbacks callbacks = callbacks(leadership);
    callbacks.onStartLeading();
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

    assertThat(leadership.mayAct()).isFalse();
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
    return new Leadership(
        new LeaderElectionSettings(
            true,
            LeaderElectionSettings.DEFAULT_LEASE_NAME,
            Optional.of("quorum-keeper"),
            "replica-a",
            Duration.ofSeconds(15),
            Duration.ofSeconds(10),
            Duration.ofSeconds(2),
            exitOnLoss),
        exits::incrementAndGet);
  }

  private static LeaderCallbacks callbacks(Leadership leadership) {
    return leadership.josdkConfiguration().orElseThrow().getLeaderCallbacks().orElseThrow();
  }

  private QuorumClient client(Leadership leadership) {
    return new LeaderOnlyQuorumClient(kafka, leadership);
  }
}
