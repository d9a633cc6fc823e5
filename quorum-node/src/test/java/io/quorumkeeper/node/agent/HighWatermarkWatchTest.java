package io.quorumkeeper.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HighWatermarkWatchTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final HighWatermarkWatch watch =
      new HighWatermarkWatch(Optional.of(Duration.ofSeconds(5)), nanos::get);

  @Test
  void aHighWatermarkThatKeepsMoving_isNeverAStall() {
    for (long hw = 100; hw < 200; hw++) {
      assertThat(watch.stalledFor(follower(3, hw))).isEmpty();
      advance(Duration.ofMillis(900));
    }
  }

  @Test
  void aHighWatermarkStillForTheStallTime_isAStall_untilItMovesAgain() {
    assertThat(watch.stalledFor(follower(3, 100))).isEmpty();
    advance(Duration.ofMillis(4_999));
    assertThat(watch.stalledFor(follower(3, 100))).isEmpty();
    advance(Duration.ofMillis(1));
    assertThat(watch.stalledFor(follower(3, 100))).contains(Duration.ofSeconds(5));
    advance(Duration.ofSeconds(60));
    assertThat(watch.stalledFor(follower(3, 100))).contains(Duration.ofSeconds(65));

    assertThat(watch.stalledFor(follower(3, 101))).isEmpty();
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalledFor(follower(3, 101))).isEmpty();
  }

  @Test
  void aNewLeaderOrEpoch_startsTheCountAfresh() {
    watch.stalledFor(follower(3, 100));
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalledFor(new RaftMetrics("follower", 2, 4, 100, 100, unknown()))).isEmpty();
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalledFor(new RaftMetrics("leader", 0, 5, 100, 100, unknown()))).isEmpty();
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalledFor(new RaftMetrics("leader", 0, 5, 100, 100, unknown()))).isEmpty();
    advance(Duration.ofSeconds(1));
    assertThat(watch.stalledFor(new RaftMetrics("leader", 0, 5, 100, 100, unknown())))
        .contains(Duration.ofSeconds(5));
  }

  @Test
  void anElection_startsTheCountAfresh_once_aLeaderIsKnownAgain() {
    watch.stalledFor(follower(3, 100));
    advance(Duration.ofSeconds(4));
    assertThat(watch.stalledFor(new RaftMetrics("candidate", -1, 4, 100, 100, unknown())))
        .isEmpty();
    advance(Duration.ofSeconds(10));
    assertThat(watch.stalledFor(follower(3, 100))).isEmpty();
    advance(Duration.ofSeconds(5));
    assertThat(watch.stalledFor(follower(3, 100))).isPresent();
  }

  @Test
  void withoutTheNoOpRecords_theWatchIsOff() {
    HighWatermarkWatch off = new HighWatermarkWatch(Optional.empty(), nanos::get);
    off.stalledFor(follower(3, 100));
    advance(Duration.ofHours(1));
    assertThat(off.stalledFor(follower(3, 100))).isEmpty();
    assertThat(HighWatermarkWatch.off().stalledAfter()).isEmpty();
  }

  @ParameterizedTest(name = "metadata.max.idle.interval.ms={0} -> stalled after {1} ms")
  @CsvSource({
    ", 5000", // Kafka's default, 500 ms
    "500, 5000",
    "100, 5000",
    "2000, 20000",
    "' 2000 ', 20000",
    "2147483647, 21474836470",
    "9223372036854775807, 9223372036854775807",
    "0, -1", // no no-op records: off
    "-5, -1",
    "soon, 5000", // Kafka refuses to start on it; the default meanwhile
  })
  void theStallTime_followsTheNoOpInterval(String interval, long expectedMs) {
    Properties server = new Properties();
    if (interval != null) {
      server.setProperty("metadata.max.idle.interval.ms", interval);
    }
    assertThat(HighWatermarkWatch.stalledAfter(server).map(Duration::toMillis).orElse(-1L))
        .isEqualTo(expectedMs);
  }

  private static RaftMetrics follower(int epoch, long highWatermark) {
    return new RaftMetrics("follower", 1, epoch, highWatermark, highWatermark, unknown());
  }

  private static RaftMetrics.Latencies unknown() {
    return RaftMetrics.Latencies.unknown();
  }

  private void advance(Duration by) {
    nanos.addAndGet(by.toNanos());
  }
}
