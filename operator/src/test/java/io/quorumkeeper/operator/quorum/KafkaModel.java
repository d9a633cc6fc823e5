package io.quorumkeeper.operator.quorum;

import io.quorumkeeper.operator.quorum.Operation.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A small model of a KRaft controller quorum for planner sequences: each node id runs one disk
 * (directory id) or is dead; the committed voter set; a leader elected among live voters when a
 * majority is up; at most one voter change in flight, which Kafka commits only when its rules allow
 * and never later than {@link #SETTLE} after it was sent. Time is model milliseconds.
 */
final class KafkaModel {

  static final long SETTLE = HealingPolicy.SETTLE_AFTER.toMillis();

  /**
   * The leader stops reporting an observer that has not fetched for this long (Kafka 4.x: 5 min;
   * the model forgets sooner so that sequences see both).
   */
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

  /** What the leader still reports of an incarnation its node no longer runs. */
  record Gone(long lastFetch, boolean caughtUp) {}

  /** The operator's classification, with its defaults (Kafka's fetch timeout, 30 s). */
  static final QuorumAssessor ASSESSOR =
      new QuorumAssessor(Duration.ofSeconds(2), Duration.ofSeconds(30));

  /** A voter change Kafka accepted and has not committed yet. */
  record Pending(Phase phase, Incarnation voter, long sentAt) {}

  final Map<Integer, Node> nodes = new HashMap<>();
  final Set<Incarnation> voters = new LinkedHashSet<>();
  final Map<Incarnation, Gone> remembered = new HashMap<>();
  OptionalInt leader = OptionalInt.empty();
  Pending pending;
  long now = 1_000_000;
  boolean agentsAnswer = true;
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
    remembered.put(
        new Incarnation(id, n.dir),
        new Gone(Math.min(now - 1, n.alive ? now : n.silentSince), !n.lagging));
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

  /**
   * Describe: the leader's replica states, classified by the operator's own {@link QuorumAssessor};
   * empty without a leader. Like Kafka's leader, it keeps reporting an incarnation that no longer
   * runs (a removed voter, a wiped disk) with the times of its last fetch, until {@link
   * #FORGET_AFTER}.
   */
  Optional<QuorumView> view() {
    if (leader.isEmpty()) {
      return Optional.empty();
    }
    List<RaftReplica> voterStates = voters.stream().map(this::replica).toList();
    Set<Incarnation> others = new LinkedHashSet<>(remembered.keySet());
    nodes.forEach((id, n) -> others.add(new Incarnation(id, n.dir)));
    List<RaftReplica> observers =
        others.stream()
            .filter(inc -> !voters.contains(inc))
            .map(this::replica)
            .filter(r -> r.lastFetchMs().isPresent())
            .filter(r -> now - r.lastFetchMs().getAsLong() <= FORGET_AFTER)
            .toList();
    Map<Integer, String> podNames = new HashMap<>();
    Map<Integer, PodFacts> pods = new HashMap<>();
    Map<Integer, AgentReport> agents = new HashMap<>();
    nodes.forEach(
        (id, n) -> {
          podNames.put(id, "c-" + id);
          pods.put(id, new PodFacts(id, "c-" + id, n.alive, !n.nodeNotReady));
          if (agentsAnswer && n.alive) {
            agents.put(id, new AgentReport(id, n.dir, "follower", leader.getAsInt(), 1));
          }
        });
    QuorumSnapshot snapshot =
        new QuorumSnapshot(
            "kafka/model",
            Instant.ofEpochMilli(now),
            Optional.of(new RaftQuorum(leader, 1, 100, voterStates, observers)),
            podNames,
            pods,
            null,
            agents,
            Instant.EPOCH);
    return ASSESSOR.assess(snapshot);
  }

  /** What the leader reports of one incarnation: now for one that runs, else its last fetch. */
  private RaftReplica replica(Incarnation inc) {
    Node n = nodes.get(inc.nodeId());
    long fetch;
    boolean caughtUp;
    if (n.dir.equals(inc.directoryId())) {
      fetch = n.alive ? now : n.silentSince;
      caughtUp = !n.lagging || (leader.isPresent() && leader.getAsInt() == inc.nodeId());
    } else if (remembered.containsKey(inc)) {
      fetch = remembered.get(inc).lastFetch();
      caughtUp = remembered.get(inc).caughtUp();
    } else {
      return new RaftReplica(
          inc.nodeId(), inc.directoryId(), 0, OptionalLong.empty(), OptionalLong.empty());
    }
    return new RaftReplica(
        inc.nodeId(),
        inc.directoryId(),
        caughtUp ? 100 : 90,
        OptionalLong.of(fetch),
        OptionalLong.of(caughtUp ? fetch : fetch - 5_000));
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
