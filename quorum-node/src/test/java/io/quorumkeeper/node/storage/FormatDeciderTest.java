package io.quorumkeeper.node.storage;

import static io.quorumkeeper.node.config.ProcessRole.BROKER;
import static io.quorumkeeper.node.config.ProcessRole.CONTROLLER;
import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.node.config.InitialControllers;
import io.quorumkeeper.node.config.ProcessRole;
import java.util.EnumSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FormatDeciderTest {

  static final String CLUSTER = "MkU3OEVBNTcwNTJENDM2Qg";
  static final String OTHER_CLUSTER = "T3RoZXJDbHVzdGVySWQxMg";
  static final String DIR_0 = "b5Qy2aZ3RlSzq1Tw6HfXyA";
  static final String DIR_1 = "Zm9vYmFyYmF6cXV4MTIzNA";
  static final String DIR_2 = "cXV1eGNvcmdlZ3JhdWx0MQ";
  static final InitialControllers INITIAL =
      InitialControllers.parse(
          "0@c-0.c.kafka.svc:9093:"
              + DIR_0
              + ",1@c-1.c.kafka.svc:9093:"
              + DIR_1
              + ",2@c-2.c.kafka.svc:9093:"
              + DIR_2);

  enum Disk {
    EMPTY,
    THIS_CLUSTER,
    OTHER_CLUSTER,
    OTHER_NODE
  }

  enum Peers {
    LEADER_KNOWN,
    NO_LEADER
  }

  /** A leader check that counts how often it was asked. */
  static final class RecordingLeaderCheck implements LeaderCheck {
    private final OptionalInt answer;
    final AtomicInteger asked = new AtomicInteger();

    RecordingLeaderCheck(Peers peers) {
      this.answer = peers == Peers.LEADER_KNOWN ? OptionalInt.of(1) : OptionalInt.empty();
    }

    @Override
    public OptionalInt findLeader() {
      asked.incrementAndGet();
      return answer;
    }
  }

  static Stream<Arguments> table() {
    Set<ProcessRole> controller = EnumSet.of(CONTROLLER);
    Set<ProcessRole> combined = EnumSet.of(BROKER, CONTROLLER);
    Set<ProcessRole> broker = EnumSet.of(BROKER);
    // roles, node, formed, disk, peers -> expected decision, peers asked?
    return Stream.of(
        // existing meta.properties: never formatted, peers never asked
        Arguments.of(
            controller, 0, false, Disk.THIS_CLUSTER, Peers.NO_LEADER, "AlreadyFormatted", false),
        Arguments.of(
            broker, 100, true, Disk.THIS_CLUSTER, Peers.NO_LEADER, "AlreadyFormatted", false),
        Arguments.of(
            controller, 0, false, Disk.OTHER_CLUSTER, Peers.NO_LEADER, "ClusterIdMismatch", false),
        Arguments.of(
            combined, 0, true, Disk.OTHER_CLUSTER, Peers.LEADER_KNOWN, "ClusterIdMismatch", false),
        Arguments.of(
            broker, 100, true, Disk.OTHER_CLUSTER, Peers.NO_LEADER, "ClusterIdMismatch", false),
        Arguments.of(
            controller, 1, true, Disk.OTHER_NODE, Peers.NO_LEADER, "NodeIdMismatch", false),
        // empty broker disk: plain format whatever the cluster state
        Arguments.of(broker, 100, false, Disk.EMPTY, Peers.NO_LEADER, "FormatBroker", false),
        Arguments.of(broker, 101, true, Disk.EMPTY, Peers.LEADER_KNOWN, "FormatBroker", false),
        // empty controller disk, cluster formed: observer
        Arguments.of(
            controller, 0, true, Disk.EMPTY, Peers.NO_LEADER, "FormatNoInitialControllers", false),
        Arguments.of(
            combined, 2, true, Disk.EMPTY, Peers.LEADER_KNOWN, "FormatNoInitialControllers", false),
        // empty controller disk, never formed, not an initial controller (a spare): observer
        Arguments.of(
            controller, 3, false, Disk.EMPTY, Peers.NO_LEADER, "FormatNoInitialControllers", false),
        // empty controller disk, never formed, initial controller, but peers already have a leader:
        // observer
        Arguments.of(
            controller,
            2,
            false,
            Disk.EMPTY,
            Peers.LEADER_KNOWN,
            "FormatNoInitialControllers",
            true),
        Arguments.of(
            combined, 0, false, Disk.EMPTY, Peers.LEADER_KNOWN, "FormatNoInitialControllers", true),
        // the only way to --initial-controllers: never formed, initial controller, nobody knows a
        // leader
        Arguments.of(
            controller, 1, false, Disk.EMPTY, Peers.NO_LEADER, "FormatInitialControllers", true),
        Arguments.of(
            combined, 2, false, Disk.EMPTY, Peers.NO_LEADER, "FormatInitialControllers", true));
  }

  @ParameterizedTest(name = "{0} node {1}, formed={2}, disk {3}, peers {4} -> {5}")
  @MethodSource("table")
  void decisionTable(
      Set<ProcessRole> roles,
      int nodeId,
      boolean formed,
      Disk disk,
      Peers peers,
      String expected,
      boolean peersAsked) {
    RecordingLeaderCheck leaderCheck = new RecordingLeaderCheck(peers);

    FormatDecision decision = FormatDecider.decide(facts(roles, nodeId, formed, disk), leaderCheck);

    assertThat(decision.getClass().getSimpleName()).isEqualTo(expected);
    assertThat(leaderCheck.asked.get()).as("peers asked").isEqualTo(peersAsked ? 1 : 0);
    assertThat(decision.describe()).isNotBlank();
  }

  @ParameterizedTest(name = "node {0} gets directory id {1}")
  @MethodSource("initialVoters")
  void givenFirstFormation_whenFormatting_thenTheNodeUsesItsOperatorGeneratedDirectoryId(
      int nodeId, String directoryId) {
    FormatDecision decision =
        FormatDecider.decide(
            facts(EnumSet.of(CONTROLLER), nodeId, false, Disk.EMPTY), OptionalInt::empty);

    assertThat(decision)
        .isEqualTo(new FormatDecision.FormatInitialControllers(INITIAL, directoryId));
  }

  static Stream<Arguments> initialVoters() {
    return Stream.of(Arguments.of(0, DIR_0), Arguments.of(1, DIR_1), Arguments.of(2, DIR_2));
  }

  @Property
  void aFormattedDiskIsNeverFormattedAgain(
      @ForAll("roles") Set<ProcessRole> roles,
      @ForAll boolean formed,
      @ForAll boolean leaderKnown,
      @ForAll("formattedDisks") Disk disk) {
    FormatDecision decision =
        FormatDecider.decide(
            facts(roles, 1, formed, disk),
            () -> leaderKnown ? OptionalInt.of(0) : OptionalInt.empty());

    assertThat(decision)
        .isInstanceOfAny(
            FormatDecision.AlreadyFormatted.class,
            FormatDecision.ClusterIdMismatch.class,
            FormatDecision.NodeIdMismatch.class);
  }

  @Property
  void initialControllersOnlyWhenNeverFormedAndNoLeaderAndAnInitialVoter(
      @ForAll("roles") Set<ProcessRole> roles,
      @ForAll("nodeIds") int nodeId,
      @ForAll boolean formed,
      @ForAll boolean leaderKnown) {
    FormatDecision decision =
        FormatDecider.decide(
            facts(roles, nodeId, formed, Disk.EMPTY),
            () -> leaderKnown ? OptionalInt.of(0) : OptionalInt.empty());

    boolean allowed =
        roles.contains(CONTROLLER) && !formed && !leaderKnown && INITIAL.voter(nodeId).isPresent();
    assertThat(decision instanceof FormatDecision.FormatInitialControllers).isEqualTo(allowed);
  }

  @Provide
  Arbitrary<Set<ProcessRole>> roles() {
    return Arbitraries.of(
        EnumSet.of(BROKER), EnumSet.of(CONTROLLER), EnumSet.of(BROKER, CONTROLLER));
  }

  @Provide
  Arbitrary<Integer> nodeIds() {
    return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.of(0, 100))
        .as(Integer::sum);
  }

  @Provide
  Arbitrary<Disk> formattedDisks() {
    return Arbitraries.of(Disk.THIS_CLUSTER, Disk.OTHER_CLUSTER, Disk.OTHER_NODE);
  }

  private static FormatFacts facts(Set<ProcessRole> roles, int nodeId, boolean formed, Disk disk) {
    Optional<MetaProperties> onDisk =
        switch (disk) {
          case EMPTY -> Optional.empty();
          case THIS_CLUSTER -> Optional.of(new MetaProperties(CLUSTER, nodeId, DIR_1));
          case OTHER_CLUSTER -> Optional.of(new MetaProperties(OTHER_CLUSTER, nodeId, DIR_1));
          case OTHER_NODE -> Optional.of(new MetaProperties(CLUSTER, nodeId + 1, DIR_1));
        };
    return new FormatFacts(nodeId, roles, CLUSTER, formed, INITIAL, onDisk);
  }
}
