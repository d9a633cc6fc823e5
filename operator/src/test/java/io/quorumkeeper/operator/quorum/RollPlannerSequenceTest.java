package io.quorumkeeper.operator.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/**
 * Whole rolls against a small world: pods come back after random delays, followers lag at random,
 * and the operator stops at random between writing status.roll and deleting the pod. Every roll
 * ends, restarts each pod exactly once, one at a time, the leader last.
 */
class RollPlannerSequenceTest {

  /** One pod of the world. */
  static final class Node {
    final String name;
    final int id;
    final boolean controller;
    final boolean broker;
    int incarnation;
    boolean outdated = true;
    int downFor;
    int catchUpIn;

    Node(String name, int id, boolean controller, boolean broker) {
      this.name = name;
      this.id = id;
      this.controller = controller;
      this.broker = broker;
    }

    String uid() {
      return name + "#" + incarnation;
    }

    boolean up() {
      return downFor == 0 && catchUpIn == 0;
    }
  }

  static final class World {
    final List<Node> nodes = new ArrayList<>();
    final Random random;
    int leader = 0;

    World(Random random, boolean combined) {
      this.random = random;
      for (int id = 0; id < 3; id++) {
        nodes.add(new Node("c-" + id, id, true, combined));
      }
      if (!combined) {
        for (int i = 0; i < 3; i++) {
          nodes.add(new Node("b-" + i, 100 + i, false, true));
        }
      }
    }

    RollFacts facts(Optional<RollStep> status) {
      List<RollPod> pods = new ArrayList<>();
      List<Member> members = new ArrayList<>();
      for (Node n : nodes) {
        String uid = n.downFor > 1 ? null : n.uid();
        pods.add(
            new RollPod(
                n.name,
                uid,
                n.id,
                n.controller,
                n.broker,
                uid != null && n.outdated,
                n.downFor == 0));
        if (n.controller) {
          Health h =
              n.up() ? Health.CaughtUp : n.downFor == 0 ? Health.Lagging : Health.Unreachable;
          Role role = n.id == leader ? Role.Leader : Role.Follower;
          members.add(new Member(n.id, n.name, "d" + n.id, role, 0, 0, h));
        }
      }
      QuorumView view = new QuorumView(OptionalInt.of(leader), 1, 1, 3, 1, members);
      Set<Integer> isr =
          nodes.stream().filter(n -> n.broker && n.up()).map(n -> n.id).collect(Collectors.toSet());
      Set<Integer> replicas =
          nodes.stream().filter(n -> n.broker).map(n -> n.id).collect(Collectors.toSet());
      List<PartitionIsr> partitions = List.of(new PartitionIsr("t-0", replicas, isr, 2));
      boolean hasLeader = nodes.get(leader).up();
      return new RollFacts(
          pods,
          hasLeader ? Optional.of(view) : Optional.empty(),
          Optional.of(partitions),
          status,
          false);
    }

    void delete(String pod) {
      Node n = nodes.stream().filter(x -> x.name.equals(pod)).findFirst().orElseThrow();
      n.incarnation++;
      n.outdated = false;
      n.downFor = 1 + random.nextInt(4);
      if (n.controller && n.id == leader) {
        leader = nodes.stream().filter(x -> x.controller && x.up()).findFirst().orElseThrow().id;
      }
    }

    void tick() {
      for (Node n : nodes) {
        if (n.downFor > 0 && --n.downFor == 0) {
          n.catchUpIn = random.nextInt(3);
        } else if (n.catchUpIn > 0) {
          n.catchUpIn--;
        } else if (random.nextInt(20) == 0 && n.id != leader) {
          n.catchUpIn = 2; // a follower or broker lags for a moment
        }
      }
    }
  }

  @Property(tries = 300)
  void aRollRestartsEachPodOnceOneAtATimeTheLeaderLast(
      @ForAll long seed, @ForAll boolean combined) {
    World world = new World(new Random(seed), combined);
    Optional<RollStep> status = Optional.empty();
    Map<String, Integer> restarts = new HashMap<>();
    List<String> order = new ArrayList<>();
    int ticks = 0;
    while (true) {
      assertThat(ticks++).as("the roll ends").isLessThan(1000);
      RollFacts facts = world.facts(status);
      RollAction action = RollPlanner.plan(facts, null);
      if (action instanceof RollAction.None) {
        break;
      }
      if (action instanceof RollAction.Restart r) {
        status = Optional.of(new RollStep(r.pod(), r.uid(), r.reason()));
        if (world.random.nextInt(3) == 0) {
          world.tick(); // the operator stopped before deleting: the next pass starts from status
          continue;
        }
        Node target = world.nodes.stream().filter(n -> n.name.equals(r.pod())).findFirst().get();
        assertThat(r.uid()).isEqualTo(target.uid());
        assertThat(world.nodes).filteredOn(n -> n != target).allMatch(Node::up);
        boolean leader = target.controller && target.id == world.leader;
        if (leader) {
          assertThat(world.nodes).filteredOn(n -> n != target).noneMatch(n -> n.outdated);
        }
        world.delete(r.pod());
        restarts.merge(r.pod(), 1, Integer::sum);
        order.add(leader ? "leader" : r.pod());
      } else if (action instanceof RollAction.Wait w) {
        status = Optional.ofNullable(w.holding());
      }
      world.tick();
    }
    assertThat(restarts)
        .hasSize(world.nodes.size())
        .allSatisfy((pod, n) -> assertThat(n).isEqualTo(1));
    assertThat(order.get(order.size() - 1)).isEqualTo("leader");
  }
}
