package io.quorumkeeper.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RaftStallWatchTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final RaftStallWatch watch =
      new RaftStallWatch(Optional.of(Duration.ofSeconds(7)), nanos::get);

  @Test
  void aFollowerThatKeepsFetching_isNeverStalled_whetherOrNotTheHighWatermarkMoves() {
    for (long sent = 100; sent < 200; sent++) {
      assertThat(watch.stalled(follower(3, 40), OptionalLong.of(sent))).isEmpty();
      advance(Duration.ofMillis(900));
    }
  }

  @Test
  void aFollowerThatSendsNothingForFiveSeconds_isStalled_untilItSendsAgain() {
    assertThat(watch.stalled(follower(3, 40), OptionalLong.of(100))).isEmpty();
    advance(Duration.ofMillis(4_999));
    assertThat(watch.stalled(follower(3, 41), OptionalLong.of(100))).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(watch.stalled(follower(3, 41), OptionalLong.of(100)))
        .contains(
            "stalled: as follower of leader 1 in epoch 3, no raft request sent for at least 5000"
                + " ms (high watermark 41)");
    advance(Duration.ofSeconds(3));
    assertThat(watch.stalled(follower(3, 41), OptionalLong.of(100)))
        .as("the same words while the stall goes on: the agent logs each change of reason")
        .contains(
            "stalled: as follower of leader 1 in epoch 3, no raft request sent for at least 5000"
                + " ms (high watermark 41)");

    assertThat(watch.stalled(follower(3, 41), OptionalLong.of(101))).isEmpty();
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalled(follower(3, 41), OptionalLong.of(101))).isEmpty();
  }

  @Test
  void anObserver_isWatchedAsAFollower() {
    RaftMetrics spare = new RaftMetrics("observer", 1, 3, 40, 40, unknown());
    watch.stalled(spare, OptionalLong.of(7));
    advance(Duration.ofSeconds(5));
    assertThat(watch.stalled(spare, OptionalLong.of(7)))
        .get()
        .asString()
        .startsWith("stalled: as observer of leader 1");
  }

  @Test
  void aFollowerWithoutTheChannelCount_isNotWatched() {
    watch.stalled(follower(3, 40), OptionalLong.empty());
    advance(Duration.ofHours(1));
    assertThat(watch.stalled(follower(3, 40), OptionalLong.empty())).isEmpty();
  }

  @Test
  void aLeader_isStalledWhenItsHighWatermarkStandsForItsOwnStallTime() {
    RaftMetrics leader = new RaftMetrics("leader", 0, 5, 900, 905, unknown());
    watch.stalled(leader, OptionalLong.of(3));
    advance(Duration.ofMillis(6_999));
    assertThat(watch.stalled(leader, OptionalLong.of(3))).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(watch.stalled(leader, OptionalLong.of(3)))
        .contains(
            "stalled: as leader in epoch 5, high watermark 900 has not moved for at least 7000 ms");
    RaftMetrics committed = new RaftMetrics("leader", 0, 5, 901, 905, unknown());
    assertThat(watch.stalled(committed, OptionalLong.of(3))).isEmpty();
  }

  @Test
  void aLeaderWithoutNoOpRecords_isNotWatched() {
    RaftStallWatch noOpsOff = new RaftStallWatch(Optional.empty(), nanos::get);
    RaftMetrics leader = new RaftMetrics("leader", 0, 5, 900, 905, unknown());
    noOpsOff.stalled(leader, OptionalLong.of(3));
    advance(Duration.ofHours(1));
    assertThat(noOpsOff.stalled(leader, OptionalLong.of(3))).isEmpty();

    // ...while as a follower it is watched by its fetches, whatever the leader's setting
    noOpsOff.stalled(follower(6, 905), OptionalLong.of(3));
    advance(Duration.ofSeconds(5));
    assertThat(noOpsOff.stalled(follower(6, 905), OptionalLong.of(3))).isPresent();
  }

  @Test
  void aNewStateLeaderOrEpoch_startsTheCountAfresh() {
    watch.stalled(follower(3, 40), OptionalLong.of(100));
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalled(new RaftMetrics("follower", 2, 4, 40, 40, unknown()), sent(100)))
        .isEmpty();
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalled(new RaftMetrics("observer", 2, 4, 40, 40, unknown()), sent(100)))
        .isEmpty();
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalled(new RaftMetrics("observer", 2, 4, 40, 40, unknown()), sent(100)))
        .isEmpty();
    advance(Duration.ofSeconds(1));
    assertThat(watch.stalled(new RaftMetrics("observer", 2, 4, 40, 40, unknown()), sent(100)))
        .isPresent();
  }

  @Test
  void anElection_startsTheCountAfresh_onceALeaderIsKnownAgain() {
    watch.stalled(follower(3, 40), sent(100));
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalled(new RaftMetrics("candidate", -1, 4, 40, 40, unknown()), sent(100)))
        .isEmpty();
    advance(Duration.ofSeconds(10));
    assertThat(watch.stalled(follower(3, 40), sent(100))).isEmpty();
    advance(Duration.ofSeconds(5));
    assertThat(watch.stalled(follower(3, 40), sent(100))).isPresent();
  }

  @Test
  void theWatchOff_neverReports() {
    RaftStallWatch off = RaftStallWatch.off();
    off.stalled(follower(3, 40), sent(100));
    assertThat(off.stalled(follower(3, 40), sent(100))).isEmpty();
  }

  @ParameterizedTest(name = "metadata.max.idle.interval.ms={0} -> a leader stalls after {1} ms")
  @CsvSource({
    ", 5000", // Kafka's default, 500 ms
    "500, 5000",
    "100, 5000",
    "2000, 20000",
    "' 2000 ', 20000",
    "2147483647, 21474836470",
    "9223372036854775807, 9223372036854775807",
    "0, -1", // no no-op records: a leader is not watched
    "-5, -1",
    "soon, 5000", // Kafka refuses to start on it; the default meanwhile
  })
  void aLeadersStallTime_followsItsOwnNoOpInterval(String interval, long expectedMs) {
    Properties server = new Properties();
    if (interval != null) {
      server.setProperty("metadata.max.idle.interval.ms", interval);
    }
    assertThat(RaftStallWatch.leaderStalledAfter(server).map(Duration::toMillis).orElse(-1L))
        .isEqualTo(expectedMs);
  }

  private static RaftMetrics follower(int epoch, long highWatermark) {
    return new RaftMetrics("follower", 1, epoch, highWatermark, highWatermark, unknown());
  }

  private static OptionalLong sent(long requests) {
    return OptionalLong.of(requests);
  }

  private static RaftMetrics.Latencies unknown() {
    return RaftMetrics.Latencies.unknown();
  }

  private void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }
}
