package io.quorumkeeper.operator.testing;

import io.quorumkeeper.operator.model.UserRevocation;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.acl.AclBinding;

/**
 * What one cluster's scripted controllers and brokers say ({@link FakeQuorumClient}): voters and
 * observers as incarnations, a leader and epoch, members that lag, stop or die, partitions,
 * cordons, grants, and every change the operator asked for.
 */
public final class QuorumScript {
  volatile int leader = 0;
  volatile long epoch = 1;
  volatile boolean noLeader;
  volatile boolean crashAfterNextChange;
  volatile java.time.Duration answerAfter = java.time.Duration.ZERO;
  volatile boolean answering;
  final List<Incarnation> voters = new CopyOnWriteArrayList<>();
  final List<Incarnation> observers = new CopyOnWriteArrayList<>();
  final Map<Integer, Long> laggingBy = new ConcurrentHashMap<>();
  final Set<Integer> dead = ConcurrentHashMap.newKeySet();

  /** What each pod's agent answers, by node id; absent ids do not answer. */
  public final Map<Integer, AgentReport> agents = new ConcurrentHashMap<>();

  /** How many times the operator asked the cluster's agents. */
  public final AtomicInteger agentRounds = new AtomicInteger();

  /** The bearer token the operator last presented to the agents. */
  public volatile String agentToken;

  /** What the brokers say of the partitions' ISRs, asked at each read; null: no broker answers. */
  public volatile java.util.function.Supplier<List<PartitionIsr>> partitions;

  /** How many times the operator checked the client ACLs. */
  public final AtomicInteger aclGrants = new AtomicInteger();

  /** How many times the operator tried to write the client grants, answered or not. */
  public final AtomicInteger grantAttempts = new AtomicInteger();

  /**
   * While true, Kafka's describe does not answer (the operator's Admin client still connecting, or
   * a controller not yet able to answer) while its other calls do.
   */
  volatile boolean describeUnanswered;

  /** The client ACLs granted so far. */
  public final Set<AclBinding> acls = ConcurrentHashMap.newKeySet();

  /** The SCRAM users Kafka holds, with the password each was last written with. */
  public final Map<String, String> scramUsers = new ConcurrentHashMap<>();

  /** How many times the operator listed the client users Kafka holds, to revoke. */
  public final AtomicInteger clientUsersReads = new AtomicInteger();

  /** While true, reading the client users fails as if the brokers did not answer. */
  public volatile boolean clientUsersUnreadable;

  /** Every revocation the operator sent, in order. */
  public final List<UserRevocation> revocations = new CopyOnWriteArrayList<>();

  /** Brokers whose log directories Kafka holds cordoned (KIP-1066). */
  public final Set<Integer> cordoned = ConcurrentHashMap.newKeySet();

  /** The brokers that run, of those a cordon names; null: every one named. */
  public volatile Set<Integer> runningBrokers;

  /** Called with the brokers of each cordon call, before it is answered. */
  public volatile java.util.function.Consumer<Set<Integer>> onCordon = ids -> {};

  /** Every cordon set and lifted, in order: "cordon 102", "uncordon 102". */
  public final List<String> cordonChanges = new CopyOnWriteArrayList<>();

  /** The finalized metadata.version level; 0 while the quorum does not report features. */
  public final AtomicInteger metadataVersion = new AtomicInteger();

  /**
   * While true, a finalization's call times out without the level committing yet (recorded as
   * "metadata.version 33 timed out"): what Kafka does with a controller too slow to answer in time,
   * which may still commit it later.
   */
  public volatile boolean finalizeTimesOut;

  /** Every voter change asked for, as "add 3/dir3" or "remove 1/dir1". */
  public final List<String> changes = new CopyOnWriteArrayList<>();

  QuorumScript(int voters) {
    for (int id = 0; id < voters; id++) {
      this.voters.add(new Incarnation(id, "dir" + id));
    }
  }

  public QuorumScript leader(int nodeId, long epoch) {
    this.leader = nodeId;
    this.epoch = epoch;
    return this;
  }

  /**
   * Every voter's agent answers and knows no leader, as while a new quorum's Kafka starts or
   * elects: before a first leader the operator asks the agents only (ADR 003).
   */
  public QuorumScript agentsKnowNoLeader() {
    return agentsSay(voter -> "unattached", null, epoch);
  }

  /** Every voter's agent answers and knows {@code leader} at {@code epoch}, as Kafka then. */
  public QuorumScript agentsKnow(int leader, long epoch) {
    return agentsSay(voter -> voter == leader ? "leader" : "follower", leader, epoch);
  }

  /**
   * Every voter's agent answers as a running node whose disk holds {@code clusterId}, following the
   * scripted leader.
   */
  public QuorumScript disksHold(String clusterId) {
    return agentsSay(voter -> voter == leader ? "leader" : "follower", leader, epoch, clusterId);
  }

  private QuorumScript agentsSay(
      java.util.function.IntFunction<String> state, Integer leader, long epoch) {
    return agentsSay(state, leader, epoch, null);
  }

  private QuorumScript agentsSay(
      java.util.function.IntFunction<String> state, Integer leader, long epoch, String clusterId) {
    for (Incarnation voter : voters) {
      agents.put(
          voter.nodeId(),
          new AgentReport(
              voter.nodeId(),
              voter.directoryId(),
              state.apply(voter.nodeId()),
              leader,
              (int) epoch,
              null,
              clusterId));
    }
    return this;
  }

  /** A controller outside the voter set that fetches (a hot spare). */
  public QuorumScript observer(int nodeId) {
    return observer(nodeId, "dir" + nodeId);
  }

  /** The incarnation no longer fetches at all (its disk is gone): Kafka stops listing it. */
  public QuorumScript gone(int nodeId, String directoryId) {
    observers.remove(new Incarnation(nodeId, directoryId));
    return this;
  }

  /** An incarnation outside the voter set that fetches: a spare, or a wiped voter's new disk. */
  public QuorumScript observer(int nodeId, String directoryId) {
    observers.add(new Incarnation(nodeId, directoryId));
    return this;
  }

  public QuorumScript lagging(int nodeId, long records) {
    laggingBy.put(nodeId, records);
    return this;
  }

  public QuorumScript caughtUp(int nodeId) {
    laggingBy.remove(nodeId);
    behindBy.remove(nodeId);
    return this;
  }

  /**
   * The node is {@code records} behind the leader's log end, yet fetches and was caught up a moment
   * ago: a follower keeping up with a busy leader (its health does not change).
   */
  public QuorumScript behind(int nodeId, long records) {
    behindBy.put(nodeId, records);
    return this;
  }

  final Map<Integer, Long> behindBy = new ConcurrentHashMap<>();

  /** The node stops fetching, as after kill -9 or a lost machine. */
  public QuorumScript dead(int nodeId) {
    dead.add(nodeId);
    return this;
  }

  /**
   * The node stopped fetching at {@code atMillis} (the leader's clock) and stays silent: its
   * silence grows from then on, as after a freeze a moment ago.
   */
  public QuorumScript silentSince(int nodeId, long atMillis) {
    silentSince.put(nodeId, atMillis);
    return this;
  }

  final Map<Integer, Long> silentSince = new ConcurrentHashMap<>();

  /**
   * The incarnation stopped running at {@code atMillis} (its disk was wiped): as Kafka's leader
   * does, it is still reported, voter or (once removed) observer, with its last fetch and catch-up
   * at that moment, while another incarnation of its node id fetches now.
   */
  public QuorumScript stopped(int nodeId, String directoryId, long atMillis) {
    stoppedAt.put(new Incarnation(nodeId, directoryId), atMillis);
    return this;
  }

  final Map<Incarnation, Long> stoppedAt = new ConcurrentHashMap<>();

  /** When each change was applied, by the script's clock. */
  public final Map<String, Long> changedAt = new ConcurrentHashMap<>();

  /**
   * The next {@code times} adds are refused before Kafka appends anything, as a leader refuses a
   * new voter that does not answer yet; each attempt's time is kept in {@link #addAttempts}.
   */
  public QuorumScript refuseAdds(int times) {
    refuseAdds.set(times);
    return this;
  }

  final AtomicInteger refuseAdds = new AtomicInteger();

  /** When the operator asked to add a voter, refused or not (System.nanoTime()). */
  public final List<Long> addAttempts = new CopyOnWriteArrayList<>();

  /** The node fetches again, as after its pod came back. */
  public QuorumScript alive(int nodeId) {
    dead.remove(nodeId);
    return this;
  }

  public QuorumScript noLeader(boolean lost) {
    this.noLeader = lost;
    return this;
  }

  /** Kafka's describe does not answer while {@code unanswered}; its other calls do. */
  public QuorumScript describeUnanswered(boolean unanswered) {
    this.describeUnanswered = unanswered;
    return this;
  }

  /** The next voter change is applied by Kafka, then the operator crashes before noting it. */
  public QuorumScript crashAfterNextChange() {
    crashAfterNextChange = true;
    return this;
  }

  /** Once Kafka applied {@code change} ("remove 1/dir1"), {@code then} changes the script. */
  public QuorumScript whenChanged(String change, java.util.function.Consumer<QuorumScript> then) {
    afterChange.put(change, then);
    return this;
  }

  final Map<String, java.util.function.Consumer<QuorumScript>> afterChange =
      new ConcurrentHashMap<>();

  /**
   * Each describe takes this long, and goes on when interrupted, as a Kafka call already on the
   * wire does.
   */
  public QuorumScript slow(java.time.Duration answerAfter) {
    this.answerAfter = answerAfter;
    return this;
  }

  /** Whether a describe is under way right now. */
  public boolean answering() {
    return answering;
  }

  public List<Integer> voterIds() {
    return voters.stream().map(Incarnation::nodeId).sorted().toList();
  }
}
