package io.quorumkeeper.node.agent;

import static io.quorumkeeper.node.config.ProcessRole.BROKER;
import static io.quorumkeeper.node.config.ProcessRole.CONTROLLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.node.config.ProcessRole;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Readiness per docs/design.md section 4, as a table. */
class NodeStatusTest {

  static Stream<Arguments> readiness() {
    Set<ProcessRole> controller = EnumSet.of(CONTROLLER);
    Set<ProcessRole> broker = EnumSet.of(BROKER);
    Set<ProcessRole> combined = EnumSet.of(BROKER, CONTROLLER);
    return Stream.of(
        // roles, kafka alive, raft state, leader, broker running -> ready
        Arguments.of(controller, true, "leader", 0, null, true),
        Arguments.of(controller, true, "follower", 0, null, true),
        Arguments.of(controller, true, "observer", 2, null, true),
        Arguments.of(controller, true, "candidate", -1, null, false),
        Arguments.of(controller, true, "prospective", -1, null, false),
        Arguments.of(controller, true, "unattached", -1, null, false),
        Arguments.of(controller, true, null, -1, null, false),
        Arguments.of(controller, false, "follower", 0, null, false),
        Arguments.of(broker, true, "observer", 0, true, true),
        Arguments.of(broker, true, "observer", 0, false, false),
        Arguments.of(broker, true, null, -1, true, true),
        Arguments.of(combined, true, "follower", 0, true, true),
        Arguments.of(combined, true, "follower", 0, false, false),
        Arguments.of(combined, true, "candidate", -1, true, false));
  }

  @ParameterizedTest(name = "{0}, alive={1}, raft {2} leader {3}, broker running {4} -> ready {5}")
  @MethodSource("readiness")
  void readinessTable(
      Set<ProcessRole> roles,
      boolean alive,
      String raftState,
      int leader,
      Boolean brokerRunning,
      boolean ready) {
    Optional<RaftMetrics> raft =
        Optional.ofNullable(raftState)
            .map(s -> new RaftMetrics(s, leader, 3, 10, 10, RaftMetrics.Latencies.unknown()));
    NodeStatus status =
        new NodeStatus(
            new NodeIdentity(0, "d", "c", roles), alive, raft, Optional.ofNullable(brokerRunning));

    NodeStatus.Readiness readiness = status.readiness();

    assertThat(readiness.ready()).isEqualTo(ready);
    assertThat(readiness.reason()).isNotBlank();
  }

  static Stream<Arguments> catchingUp() {
    return Stream.of(
        // raft state, high watermark, log end offset -> ready
        Arguments.of("follower", -1L, 120L, false), // restarted: no fetch answer yet
        Arguments.of("follower", 500L, 120L, false), // fetching what it missed
        Arguments.of("follower", 500L, 500L, true),
        Arguments.of("follower", 500L, 530L, true), // ahead of what is committed
        Arguments.of("observer", 0L, 0L, true), // a new quorum before its first commit
        Arguments.of("leader", -1L, 40L, false), // elected, no majority fetch yet
        Arguments.of("leader", 40L, 41L, true));
  }

  @ParameterizedTest(name = "{0}, high watermark {1}, log end offset {2} -> ready {3}")
  @MethodSource("catchingUp")
  void aControllerIsReadyOnlyWithEveryCommittedRecord(
      String state, long highWatermark, long logEndOffset, boolean ready) {
    for (Set<ProcessRole> roles : List.of(EnumSet.of(CONTROLLER), EnumSet.of(BROKER, CONTROLLER))) {
      NodeStatus status =
          new NodeStatus(
              new NodeIdentity(0, "d", "c", roles),
              true,
              Optional.of(
                  new RaftMetrics(
                      state, 1, 3, highWatermark, logEndOffset, RaftMetrics.Latencies.unknown())),
              roles.contains(BROKER) ? Optional.of(true) : Optional.empty());

      NodeStatus.Readiness readiness = status.readiness();

      assertThat(readiness.ready()).as("%s", roles).isEqualTo(ready);
      if (!ready) {
        assertThat(readiness.reason())
            .containsAnyOf("high watermark not known yet", "catching up: log end offset");
      }
    }
  }

  @Test
  void aControllerWhoseRaftThreadStalled_isNotReady_whateverItsLastMetricsSay() {
    RaftMetrics caughtUp =
        new RaftMetrics("follower", 1, 3, 500, 500, RaftMetrics.Latencies.unknown());
    for (Set<ProcessRole> roles : List.of(EnumSet.of(CONTROLLER), EnumSet.of(BROKER, CONTROLLER))) {
      Optional<Boolean> running = roles.contains(BROKER) ? Optional.of(true) : Optional.empty();
      NodeIdentity identity = new NodeIdentity(0, "d", "c", roles);
      NodeStatus moving =
          new NodeStatus(
              identity, true, Optional.of(caughtUp), running, Optional.empty(), Optional.empty());
      NodeStatus stalled =
          new NodeStatus(
              identity,
              true,
              Optional.of(caughtUp),
              running,
              Optional.empty(),
              Optional.of(
                  "stalled: as follower of leader 1 in epoch 3, no raft request sent for 5100 ms"));

      assertThat(moving.readiness().ready()).as("%s", roles).isTrue();
      assertThat(stalled.readiness())
          .as("%s", roles)
          .isEqualTo(
              new NodeStatus.Readiness(
                  false,
                  "stalled: as follower of leader 1 in epoch 3, no raft request sent for 5100 ms"));
    }
  }
}
