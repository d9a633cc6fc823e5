package io.quorumkeeper.operator.quorum;

import io.quorumkeeper.operator.quorum.Operation.Phase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A small model of a KRaft controller quorum for planner sequences: each node id runs one disk
 * (directory id) or is dead; the committed voter set; a leader elected among live voters when a
 * majority is up; at most one voter change in flight, which Kafka commits only when its rules allow
 * and never later than {@link #SETTLE} after it was sent. Time is model milliseconds.
 */
final class KafkaModel {

  static final long SETTLE = HealingPolicy.SETTLE_AFTER.toMillis();

  /** The leader stops reporting an observer that has not fetched for this long. */
  static final long FORGET_AFTER = 60_000;

  /** One node id's pod: its current disk, whether it runs, and since when it is silent. */
  static final class Node {
    String dir;
    boolean alive = true;
    boolean lagging;
    boolean nodeNotReady; // Kubernetes calls the pod down, Kafka still hears from it
    long silentSince = -1;

    Node(String dir) {
      this.dir = dir;
    }
  }

  /** A voter change Kafka accepted and has not committed yet. */
  record Pending(Phase phase, Incarnation voter, long sentAt) {}

  final Map<Integer, Node> nodes = new HashMap<>();
  final Set<Incarnation> voters = new LinkedHashSet<>();
  OptionalInt leader = OptionalInt.empty();
  Pending pending;
  long now;
  int formats;

  KafkaModel(int voterCount, int spares) {
    for (int id = 0; id < voterCount + spares; id++) {
      nodes.put(id, new Node("dir" + id));
      if (id < voterCount) {
        voters.add(new Incarnation(id, "dir" + id));
      }
    }
    elect();
  }

  /** A voter incarnation that runs on its own disk and keeps up. */
  boolean liveCaughtUp(Incarnation inc) {
    Node n = nodes.get(inc.nodeId());
    return n != null && n.alive && n.dir.equals(inc.directoryId()) && !n.lagging;
  }

  boolean majorityLive(Set<Incarnation> set) {
    long live = set.stream().filter(this::liveCaughtUp).count();
    return !set.isEmpty() && live >= QuorumMath.majority(set.size());
  }

  /** Kafka keeps a live leader; else elects the lowest live voter if a majority is up. */
  void elect() {
    if (leader.isPresent()
        && voters.stream().anyMatch(v -> v.nodeId() == leader.getAsInt() && liveCaughtUp(v))
        && majorityLive(voters)) {
      return;
    }
    leader =
        majorityLive(voters)
            ? OptionalInt.of(
                voters.stream()
                    .filter(this::liveCaughtUp)
                    .mapToInt(Incarnation::nodeId)
                    .min()
                    .getAsInt())
            : OptionalInt.empty();
  }

  void kill(int id) {
    Node n = nodes.get(id);
    if (n.alive) {
      n.alive = false;
      n.silentSince = now;
    }
    elect();
  }

  void revive(int id) {
    Node n = nodes.get(id);
    n.alive = true;
    n.silentSince = -1;
    n.nodeNotReady = false;
    elect();
  }

  /** The disk is wiped and formatted again: a new directory id, an observer catching up. */
  void wipe(int id) {
    Node n = nodes.get(id);
    n.dir = "new" + id + "x" + (++formats);
    n.alive = true;
    n.lagging = true;
    n.silentSince = -1;
    elect();
  }

  void moveLeader(int pick) {
    List<Integer> eligible =
        voters.stream().filter(this::liveCaughtUp).map(Incarnation::nodeId).toList();
    if (leader.isPresent() && !eligible.isEmpty()) {
      leader = OptionalInt.of(eligible.get(Math.floorMod(pick, eligible.size())));
    }
  }

  boolean allowed(Pending p) {
    if (leader.isEmpty()) {
      return false;
    }
    if (p.phase() == Phase.Removing) {
      Set<Incarnation> remaining = new LinkedHashSet<>(voters);
      remaining.remove(p.voter());
      return voters.contains(p.voter()) && majorityLive(remaining);
    }
    return liveCaughtUp(p.voter())
        && voters.stream().noneMatch(v -> v.nodeId() == p.voter().nodeId());
  }

  /** The change lands if Kafka's rules allow, else it is dropped. */
  void resolve() {
    if (pending != null && allowed(pending)) {
      if (pending.phase() == Phase.Removing) {
        voters.remove(pending.voter());
      } else {
        voters.add(pending.voter());
      }
    }
    pending = null;
    elect();
  }

  /** Time passes; a change sent {@link #SETTLE} ago has landed or is gone by now. */
  void advance(long ms) {
    now += ms;
    if (pending != null && now - pending.sentAt() >= SETTLE) {
      resolve();
    }
  }

  /** Describe: the leader's view, classified as the assessor would; empty without a leader. */
  Optional<QuorumView> view() {
    if (leader.isEmpty()) {
      return Optional.empty();
    }
    List<Member> members = new ArrayList<>();
    Set<Integer> voterIds = new LinkedHashSet<>();
    for (Incarnation v : voters) {
      voterIds.add(v.nodeId());
      Node n = nodes.get(v.nodeId());
      Role role = v.nodeId() == leader.getAsInt() ? Role.Leader : Role.Follower;
      Health health;
      if (role == Role.Leader) {
        health = Health.CaughtUp;
      } else if (!n.dir.equals(v.directoryId())) {
        health = n.alive ? Health.DiskLost : Health.Unreachable;
      } else {
        health = health(n);
      }
      members.add(member(v, role, health, n.dir.equals(v.directoryId()) ? n : null));
    }
    for (Map.Entry<Integer, Node> e : nodes.entrySet()) {
      Incarnation inc = new Incarnation(e.getKey(), e.getValue().dir);
      boolean forgotten = !e.getValue().alive && now - e.getValue().silentSince > FORGET_AFTER;
      if (!voters.contains(inc) && !forgotten) {
        Role role = voterIds.contains(e.getKey()) ? Role.Observer : Role.Spare;
        members.add(member(inc, role, health(e.getValue()), e.getValue()));
      }
    }
    int caughtUp =
        (int) members.stream().filter(m -> m.isVoter() && m.health() == Health.CaughtUp).count();
    return Optional.of(
        new QuorumView(
            leader,
            1,
            100,
            voters.size(),
            QuorumMath.faultTolerance(voters.size(), caughtUp),
            members));
  }

  private static Health health(Node n) {
    if (!n.alive || n.nodeNotReady) {
      return Health.Unreachable;
    }
    return n.lagging ? Health.Lagging : Health.CaughtUp;
  }

  /** Kafka's timestamps: a node on its own disk that runs fetches now; else since it went. */
  private Member member(Incarnation inc, Role role, Health health, Node runsIt) {
    long silent =
        runsIt == null ? 600_000 : runsIt.alive ? 0 : Math.max(0, now - runsIt.silentSince);
    long sinceCaughtUp = runsIt != null && runsIt.alive && runsIt.lagging ? 5_000 : silent;
    return new Member(
        inc.nodeId(),
        "c-" + inc.nodeId(),
        inc.directoryId(),
        role,
        0,
        sinceCaughtUp,
        health,
        silent);
  }

  /** Pods Kubernetes sees stuck: dead ones since they died, NotReady ones since ever. */
  Map<String, HealingPolicy.Stranded> stranded() {
    Map<String, HealingPolicy.Stranded> pods = new HashMap<>();
    nodes.forEach(
        (id, n) -> {
          if (!n.alive || n.nodeNotReady) {
            long since = n.alive ? 600_000 : now - n.silentSince;
            pods.put("c-" + id, new HealingPolicy.Stranded("uid-" + id, Duration.ofMillis(since)));
          }
        });
    return pods;
  }
}
