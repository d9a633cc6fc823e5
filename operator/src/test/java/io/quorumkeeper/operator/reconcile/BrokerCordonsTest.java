package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.BrokerCordon;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Examples;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cordons of leaving brokers against scripted brokers: what a hand-edited status leaves of
 * them, brokers that do not run, a cordon lifted behind the operator's back, and how long a cordon
 * settles before the partitions are read whatever the spec's config says.
 */
class BrokerCordonsTest {

  static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");

  final FakeQuorumClient quorum = new FakeQuorumClient(Clock.systemUTC());

  @ParameterizedTest(name = "broker.heartbeat.interval.ms={0} -> {1} ms")
  @CsvSource(
      delimiter = '|',
      nullValues = "none",
      value = {
        "none | 4000", // Kafka's default heartbeat, 2 s, twice
        "500 | 1000",
        "' 3000 ' | 6000",
        "0 | 0",
        "30000 | 60000",
        "45000 | 60000", // at most a minute
        "9223372036854775807 | 60000", // no overflow
        // Kafka refuses these: whatever the brokers run, the longest
        "-5 | 60000",
        "99999999999999999999 | 60000",
        "2s | 60000",
      })
  void settleIsTwiceTheHeartbeatWithinAMinute(String heartbeat, long millis) {
    assertThat(BrokerCordons.settle(separated(heartbeat))).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void aHeartbeatWithALineBreakWaitsTheLongest() {
    assertThat(BrokerCordons.settle(separated("2000\nbroker.id=1")))
        .isEqualTo(BrokerCordons.MAX_SETTLE);
  }

  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {22, 29})
  void levelsBefore43IV0DoNotCordon(int level) {
    assertThat(BrokerCordons.supported(level)).isFalse();
    assertThat(BrokerCordons.supported(null)).isFalse();
  }

  @ParameterizedTest(name = "level {0}")
  @ValueSource(ints = {30, 33})
  void levelsFrom43IV0Cordon(int level) {
    assertThat(BrokerCordons.supported(level)).isTrue();
  }

  @Test
  void givenAHandEditedStatus_whenRead_thenEachIdOnceAndNoTimeAheadOrUnparsable() {
    QuorumCluster cr = separated(null);
    cr.setStatus(new QuorumClusterStatus());
    cr.getStatus()
        .setBrokerCordons(
            new ArrayList<>(
                Arrays.asList(
                    null,
                    new BrokerCordon(null, NOW.toString()),
                    new BrokerCordon(103, NOW.plusSeconds(3600).toString()),
                    new BrokerCordon(103, NOW.minusSeconds(60).toString()),
                    new BrokerCordon(104, "yesterday"),
                    new BrokerCordon(105, NOW.minusSeconds(60).toString()))));

    List<BrokerCordon> read = cordons(cr).recorded();

    assertThat(read)
        .containsExactly(
            new BrokerCordon(103, null),
            new BrokerCordon(104, null),
            new BrokerCordon(105, NOW.minusSeconds(60).toString()));
  }

  @Test
  void givenALeavingBrokerThatDoesNotRun_whenCordoned_thenItDoesNotHoldTheRead() {
    QuorumCluster cr = recorded(new BrokerCordon(103, null));
    QuorumScript brokers = brokers(cr);
    brokers.runningBrokers = Set.of(100, 101, 102);

    assertThat(cordons(cr).cordon(Set.of(103), NOW)).isEmpty();
    assertThat(brokers.cordonChanges).isEmpty();
  }

  @Test
  void
      givenACordonLiftedBehindTheOperatorsBack_whenTheShrinkGoesOn_thenItIsSetAgainAndSettlesAgain() {
    QuorumCluster cr = recorded(new BrokerCordon(103, NOW.minusSeconds(60).toString()));
    QuorumScript brokers = brokers(cr); // Kafka holds no cordon for 103

    BrokerCordons found = cordons(cr);
    Optional<BrokerScaleDown.Hold> cleared = found.cordon(Set.of(103), NOW);

    // the time is cleared in status before the cordon is set again
    assertThat(cleared)
        .hasValueSatisfying(h -> assertThat(h.reason()).isEqualTo("CordoningBrokers"));
    assertThat(brokers.cordonChanges).isEmpty();
    assertThat(found.recorded()).containsExactly(new BrokerCordon(103, null));

    cr.getStatus().setBrokerCordons(new ArrayList<>(found.recorded()));
    BrokerCordons first = cordons(cr, NOW.plusSeconds(1));
    assertThat(first.cordon(Set.of(103), NOW.plusSeconds(1))).isPresent();
    assertThat(brokers.cordonChanges).containsExactly("cordon 103");
    assertThat(first.recorded()).containsExactly(new BrokerCordon(103, null));

    cr.getStatus().setBrokerCordons(new ArrayList<>(first.recorded()));
    BrokerCordons second = cordons(cr, NOW.plusSeconds(2));
    assertThat(second.cordon(Set.of(103), NOW.plusSeconds(2)))
        .hasValueSatisfying(h -> assertThat(h.message()).contains("is in place"));
    assertThat(second.recorded())
        .containsExactly(new BrokerCordon(103, NOW.plusSeconds(2).toString()));

    cr.getStatus().setBrokerCordons(new ArrayList<>(second.recorded()));
    Instant early = NOW.plusSeconds(5);
    Instant settled = NOW.plusSeconds(6); // twice the default heartbeat after the report
    assertThat(cordons(cr, early).cordon(Set.of(103), early)).isPresent();
    assertThat(cordons(cr, settled).cordon(Set.of(103), settled)).isEmpty();
    assertThat(brokers.cordonChanges).containsExactly("cordon 103");
  }

  @Test
  void givenCombinedNodes_whenLifting_thenOnlyNodesTheSpecAsksForAreLifted() {
    QuorumCluster cr = Examples.load("combined.yaml"); // nodes 0-2
    cr.setStatus(new QuorumClusterStatus());
    cr.getStatus()
        .setBrokerCordons(
            new ArrayList<>(
                List.of(new BrokerCordon(2, NOW.toString()), new BrokerCordon(3, NOW.toString()))));
    QuorumScript brokers = brokers(cr);
    BrokerCordons cordons = cordons(cr);

    cordons.liftWanted(ClusterModel.pools(cr));

    assertThat(brokers.cordonChanges).containsExactly("uncordon 2");
    assertThat(cordons.recorded()).containsExactly(new BrokerCordon(3, NOW.toString()));
  }

  private static QuorumCluster separated(String heartbeat) {
    QuorumCluster cr = Examples.load("separated.yaml");
    if (heartbeat != null) {
      cr.getSpec().getKafka().getConfig().put(BrokerCordons.HEARTBEAT_INTERVAL, heartbeat);
    }
    return cr;
  }

  private static QuorumCluster recorded(BrokerCordon cordon) {
    QuorumCluster cr = separated(null);
    cr.setStatus(new QuorumClusterStatus());
    cr.getStatus().setBrokerCordons(new ArrayList<>(List.of(cordon)));
    return cr;
  }

  private QuorumScript brokers(QuorumCluster cr) {
    QuorumScript script = quorum.script(QuorumObservation.key(cr), 3);
    script.partitions = List::of; // the brokers answer
    return script;
  }

  private BrokerCordons cordons(QuorumCluster cr) {
    return cordons(cr, NOW);
  }

  /** As a pass at {@code now} reads them. */
  private BrokerCordons cordons(QuorumCluster cr, Instant now) {
    return BrokerCordons.of(cr, new BrokerPartitions(quorum, cr), ClusterModel.pools(cr), now);
  }
}
