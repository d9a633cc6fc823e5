package io.quorumkeeper.operator.quorum;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

/** Random roll situations: pods, quorum health, ISRs and a restart in flight, all independent. */
final class RollCases {

  private RollCases() {}

  static RollFacts random(Random r) {
    int controllers = new int[] {1, 3, 3, 5}[r.nextInt(4)];
    boolean combined = r.nextBoolean();
    int brokers = combined ? 0 : r.nextInt(5);
    int voters = Math.min(controllers, new int[] {1, 3, 3, 5}[r.nextInt(4)]);
    List<RollPod> pods = new ArrayList<>();
    List<Member> members = new ArrayList<>();
    List<Integer> voterIds = new ArrayList<>();
    for (int id = 0; id < controllers; id++) {
      pods.add(pod(r, "c-" + id, id, true, combined));
      Health health = Health.values()[r.nextInt(3)];
      Role role = id < voters ? Role.Follower : Role.Spare;
      if (id < voters) {
        voterIds.add(id);
      }
      members.add(new Member(id, "c-" + id, "d" + id, role, 0, 0, health));
    }
    for (int i = 0; i < brokers; i++) {
      pods.add(pod(r, "b-" + i, 100 + i, false, true));
    }
    OptionalInt leader = OptionalInt.empty();
    if (r.nextInt(10) > 0) {
      int id = voterIds.get(r.nextInt(voterIds.size()));
      leader = OptionalInt.of(id);
      members.set(id, new Member(id, "c-" + id, "d" + id, Role.Leader, 0, 0, Health.CaughtUp));
    }
    QuorumView view = new QuorumView(leader, 1, 1, voters, 0, members);
    List<Integer> brokerIds = pods.stream().filter(RollPod::broker).map(RollPod::nodeId).toList();
    Optional<List<PartitionIsr>> partitions =
        r.nextInt(10) == 0 ? Optional.empty() : Optional.of(partitions(r, brokerIds));
    Optional<RollStep> inFlight = Optional.empty();
    if (r.nextBoolean()) {
      int i = r.nextInt(pods.size());
      RollPod p = pods.get(i);
      if (r.nextBoolean() || !p.exists()) {
        inFlight = Optional.of(new RollStep(p.pod(), p.uid(), "test"));
      } else {
        // Restarted already: its new pod object came from the current template.
        inFlight = Optional.of(new RollStep(p.pod(), "old", "test"));
        pods.set(
            i,
            new RollPod(
                p.pod(), p.uid(), p.nodeId(), p.controller(), p.broker(), false, p.ready()));
      }
    }
    return new RollFacts(
        pods,
        r.nextInt(10) == 0 ? Optional.empty() : Optional.of(view),
        partitions,
        inFlight,
        r.nextInt(10) == 0);
  }

  private static RollPod pod(Random r, String name, int id, boolean controller, boolean broker) {
    boolean exists = r.nextInt(10) > 0;
    return new RollPod(
        name,
        exists ? "u-" + name : null,
        id,
        controller,
        broker,
        exists && r.nextBoolean(),
        exists && r.nextInt(4) > 0);
  }

  private static List<PartitionIsr> partitions(Random r, List<Integer> brokers) {
    List<PartitionIsr> partitions = new ArrayList<>();
    if (brokers.isEmpty()) {
      return partitions;
    }
    for (int p = 0; p < r.nextInt(6); p++) {
      Set<Integer> replicas = new HashSet<>();
      int rf = 1 + r.nextInt(Math.min(3, brokers.size()));
      while (replicas.size() < rf) {
        replicas.add(brokers.get(r.nextInt(brokers.size())));
      }
      Set<Integer> isr = new HashSet<>();
      replicas.stream().filter(b -> r.nextInt(5) > 0).forEach(isr::add);
      partitions.add(new PartitionIsr("t-" + p, replicas, isr, 1 + r.nextInt(rf)));
    }
    return partitions;
  }
}
