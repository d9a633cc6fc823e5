package io.quorumkeeper.node.agent;

import static io.quorumkeeper.node.config.ProcessRole.BROKER;
import static io.quorumkeeper.node.config.ProcessRole.CONTROLLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.node.config.ProcessRole;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
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
}
