package io.quorumkeeper.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeaderLogTest {

  /** As Kafka 4.4.0 prints it through quorum-node's pattern (shortened inside the voter maps). */
  private static final String BECAME_LEADER =
      "2026-11-23T21:40:14.617Z INFO  [kafka-0-raft-io-thread] QuorumState - [RaftManager id=0]"
          + " Completed transition to Leader(localVoterNode=VoterNode(voterKey=ReplicaKey(id=0,"
          + " directoryId=UoGKdgdTSiWD5eooOILrFg), listeners=Endpoints(endpoints={}),"
          + " supportedKRaftVersion=SupportedVersionRange[min_version:0, max_version:1]), epoch=4,"
          + " epochStartOffset=34, highWatermark=Optional.empty, voterStates={}) from"
          + " CandidateState(localId=0, localDirectoryId=UoGKdgdTSiWD5eooOILrFg, epoch=4,"
          + " electionTimeoutMs=1862)";

  private static final String ATTEMPTING =
      BECAME_LEADER.replace("Completed transition", "Attempting durable transition");

  @Test
  void givenKafkaLeaderLine_whenParsed_thenMillisecondInstantNodeAndEpoch() {
    assertThat(LeaderLog.parse(BECAME_LEADER))
        .contains(new LeaderLog.Transition(Instant.parse("2026-11-23T21:40:14.617Z"), 0, 4));
  }

  @Test
  void givenOffsetTimestamp_whenParsed_thenSameInstant() {
    String line = BECAME_LEADER.replace("21:40:14.617Z", "22:40:14.617+01:00");

    assertThat(LeaderLog.parse(line).orElseThrow().at())
        .isEqualTo(Instant.parse("2026-11-23T21:40:14.617Z"));
  }

  @Test
  void givenOtherLines_whenParsed_thenNothing() {
    assertThat(LeaderLog.parse(ATTEMPTING)).isEmpty();
    assertThat(LeaderLog.parse("2026-11-23T21:40:14.617Z INFO  [main] Kafka Server started"))
        .isEmpty();
  }

  @Test
  void givenLogWithOlderTransition_whenFoundFromOffset_thenOnlyTheNewOneForThatEpoch(
      @TempDir Path dir) throws Exception {
    Path log = dir.resolve("orders-node-0.log");
    Files.writeString(log, BECAME_LEADER + "\n");
    long from = LeaderLog.end(log);
    String later = BECAME_LEADER.replace("epoch=4,", "epoch=6,").replace("14.617Z", "59.001Z");
    Files.writeString(
        log, ATTEMPTING + "\n" + later + "\n", java.nio.file.StandardOpenOption.APPEND);

    assertThat(LeaderLog.find(log, 0, 0, 4)).isPresent();
    assertThat(LeaderLog.find(log, from, 0, 4)).isEmpty();
    assertThat(LeaderLog.find(log, from, 0, 6).orElseThrow().at())
        .isEqualTo(Instant.parse("2026-11-23T21:40:59.001Z"));
    assertThat(LeaderLog.find(log, from, 1, 6)).isEmpty();
  }
}
