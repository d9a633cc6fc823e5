package io.quorumkeeper.operator.testing;

import io.quorumkeeper.operator.model.UserRevocation;
import io.quorumkeeper.operator.observe.ClientGrants;
import io.quorumkeeper.operator.observe.KafkaClientUsers;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import io.quorumkeeper.operator.observe.VoterChangeRefused;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import io.quorumkeeper.operator.quorum.RaftReplica;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;

/**
 * A scripted quorum for *ApiTests: per cluster, voters and observers (as incarnations), a leader
 * and epoch, members that lag or are dead, with timestamps taken from the clock at each call as a
 * live leader reports them. Voter changes the operator asks for are applied and recorded. Clusters
 * without a script answer like unreachable controllers.
 */
public class FakeQuorumClient implements QuorumClient {

  /** What one cluster's controllers say. */
  public static final class Script {
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

    /**
     * What the brokers say of the partitions' ISRs, asked at each read; null: no broker answers.
     */
    public volatile java.util.function.Supplier<List<PartitionIsr>> partitions;

    /** How many times the operator checked the client ACLs. */
    public final AtomicInteger aclGrants = new AtomicInteger();

    /** How many times the operator tried to write the client grants, answered or not. */
    public final AtomicInteger grantAttempts = new AtomicInteger();

    /**
     * While true, Kafka's describe does not answer (the operator's Admin client still connecting,
     * or a controller not yet able to answer) while its other calls do.
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

    /** Every voter change asked for, as "add 3/dir3" or "remove 1/dir1". */
    public final List<String> changes = new CopyOnWriteArrayList<>();

    Script(int voters) {
      for (int id = 0; id < voters; id++) {
        this.voters.add(new Incarnation(id, "dir" + id));
      }
    }

    public Script leader(int nodeId, long epoch) {
      this.leader = nodeId;
      this.epoch = epoch;
      return this;
    }

    /**
     * Every voter's agent answers and knows no leader, as while a new quorum's Kafka starts or
     * elects: before a first leader the operator asks the agents only (ADR 003).
     */
    public Script agentsKnowNoLeader() {
      return agentsSay(voter -> "unattached", null, epoch);
    }

    /** Every voter's agent answers and knows {@code leader} at {@code epoch}, as Kafka then. */
    public Script agentsKnow(int leader, long epoch) {
      return agentsSay(voter -> voter == leader ? "leader" : "follower", leader, epoch);
    }

    /**
     * Every voter's agent answers as a running node whose disk holds {@code clusterId}, following
     * the scripted leader.
     */
    public Script disksHold(String clusterId) {
      return agentsSay(voter -> voter == leader ? "leader" : "follower", leader, epoch, clusterId);
    }

    private Script agentsSay(
        java.util.function.IntFunction<String> state, Integer leader, long epoch) {
      return agentsSay(state, leader, epoch, null);
    }

    private Script agentsSay(
        java.util.function.IntFunction<String> state,
        Integer leader,
        long epoch,
        String clusterId) {
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
    public Script observer(int nodeId) {
      return observer(nodeId, "dir" + nodeId);
    }

    /** The incarnation no longer fetches at all (its disk is gone): Kafka stops listing it. */
    public Script gone(int nodeId, String directoryId) {
      observers.remove(new Incarnation(nodeId, directoryId));
      return this;
    }

    /** An incarnation outside the voter set that fetches: a spare, or a wiped voter's new disk. */
    public Script observer(int nodeId, String directoryId) {
      observers.add(new Incarnation(nodeId, directoryId));
      return this;
    }

    public Script lagging(int nodeId, long records) {
      laggingBy.put(nodeId, records);
      return this;
    }

    public Script caughtUp(int nodeId) {
      laggingBy.remove(nodeId);
      behindBy.remove(nodeId);
      return this;
    }

    /**
     * The node is {@code records} behind the leader's log end, yet fetches and was caught up a
     * moment ago: a follower keeping up with a busy leader (its health does not change).
     */
    public Script behind(int nodeId, long records) {
      behindBy.put(nodeId, records);
      return this;
    }

    final Map<Integer, Long> behindBy = new ConcurrentHashMap<>();

    /** The node stops fetching, as after kill -9 or a lost machine. */
    public Script dead(int nodeId) {
      dead.add(nodeId);
      return this;
    }

    /**
     * The node stopped fetching at {@code atMillis} (the leader's clock) and stays silent: its
     * silence grows from then on, as after a freeze a moment ago.
     */
    public Script silentSince(int nodeId, long atMillis) {
      silentSince.put(nodeId, atMillis);
      return this;
    }

    final Map<Integer, Long> silentSince = new ConcurrentHashMap<>();

    /**
     * The incarnation stopped running at {@code atMillis} (its disk was wiped): as Kafka's leader
     * does, it is still reported, voter or (once removed) observer, with its last fetch and
     * catch-up at that moment, while another incarnation of its node id fetches now.
     */
    public Script stopped(int nodeId, String directoryId, long atMillis) {
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
    public Script refuseAdds(int times) {
      refuseAdds.set(times);
      return this;
    }

    final AtomicInteger refuseAdds = new AtomicInteger();

    /** When the operator asked to add a voter, refused or not (System.nanoTime()). */
    public final List<Long> addAttempts = new CopyOnWriteArrayList<>();

    /** The node fetches again, as after its pod came back. */
    public Script alive(int nodeId) {
      dead.remove(nodeId);
      return this;
    }

    public Script noLeader(boolean lost) {
      this.noLeader = lost;
      return this;
    }

    /** Kafka's describe does not answer while {@code unanswered}; its other calls do. */
    public Script describeUnanswered(boolean unanswered) {
      this.describeUnanswered = unanswered;
      return this;
    }

    /** The next voter change is applied by Kafka, then the operator crashes before noting it. */
    public Script crashAfterNextChange() {
      crashAfterNextChange = true;
      return this;
    }

    /** Once Kafka applied {@code change} ("remove 1/dir1"), {@code then} changes the script. */
    public Script whenChanged(String change, java.util.function.Consumer<Script> then) {
      afterChange.put(change, then);
      return this;
    }

    final Map<String, java.util.function.Consumer<Script>> afterChange = new ConcurrentHashMap<>();

    /**
     * Each describe takes this long, and goes on when interrupted, as a Kafka call already on the
     * wire does.
     */
    public Script slow(java.time.Duration answerAfter) {
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

  private final Clock clock;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final Map<String, AtomicInteger> describes = new ConcurrentHashMap<>();
  private final List<String> forgotten = new CopyOnWriteArrayList<>();

  public FakeQuorumClient(Clock clock) {
    this.clock = clock;
  }

  /** From now on cluster {@code namespace/name} has {@code voters} voters (ids 0..n-1). */
  public Script script(String cluster, int voters) {
    return scripts.computeIfAbsent(cluster, k -> new Script(voters));
  }

  public int calls() {
    return calls.get();
  }

  /** How often the quorum of {@code cluster} (namespace/name) was described. */
  public int describes(String cluster) {
    AtomicInteger count = describes.get(cluster);
    return count == null ? 0 : count.get();
  }

  /** Every {@link #forget} asked for, by cluster, in order. */
  public List<String> forgotten() {
    return List.copyOf(forgotten);
  }

  @Override
  public Map<Integer, AgentReport> agents(
      String cluster, Map<Integer, String> hosts, String token, boolean tls) {
    Script script = scripts.get(cluster);
    if (script == null) {
      return Map.of();
    }
    script.agentToken = token;
    script.agentRounds.incrementAndGet();
    Map<Integer, AgentReport> answers = new java.util.HashMap<>(script.agents);
    answers.keySet().retainAll(hosts.keySet());
    return answers;
  }

  @Override
  public List<PartitionIsr> partitions(String cluster, String bootstrapServers)
      throws QuorumUnavailableException {
    Script script = scripts.get(cluster);
    if (script == null || script.partitions == null) {
      throw new QuorumUnavailableException("no broker answered (scripted)", null);
    }
    return script.partitions.get();
  }

  /** As Kafka does: a broker newly asked counts as cordoned at the next call. */
  @Override
  public Cordons cordonBrokers(String cluster, String bootstrapServers, Set<Integer> ids)
      throws QuorumUnavailableException {
    Script script = brokersOf(cluster);
    script.onCordon.accept(ids);
    Set<Integer> running = running(script, ids);
    Set<Integer> absent = new TreeSet<>(ids);
    absent.removeAll(running);
    Set<Integer> cordoned = new TreeSet<>();
    for (int id : running) {
      if (script.cordoned.contains(id)) {
        cordoned.add(id);
      } else {
        script.cordoned.add(id);
        script.cordonChanges.add("cordon " + id);
      }
    }
    return new Cordons(cordoned, absent);
  }

  @Override
  public Set<Integer> uncordonBrokers(String cluster, String bootstrapServers, Set<Integer> ids)
      throws QuorumUnavailableException {
    Script script = brokersOf(cluster);
    Set<Integer> running = running(script, ids);
    for (int id : running) {
      script.cordoned.remove(id);
      script.cordonChanges.add("uncordon " + id);
    }
    return running;
  }

  private Script brokersOf(String cluster) throws QuorumUnavailableException {
    Script script = scripts.get(cluster);
    if (script == null || script.partitions == null) {
      throw new QuorumUnavailableException("no broker answered (scripted)", null);
    }
    return script;
  }

  private static Set<Integer> running(Script script, Set<Integer> ids) {
    Set<Integer> running = new TreeSet<>(ids);
    Set<Integer> up = script.runningBrokers;
    if (up != null) {
      running.retainAll(up);
    }
    return running;
  }

  @Override
  public int finalizedMetadataVersion(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException {
    featureReaders.add(Thread.currentThread().getName());
    Script script = scripts.get(cluster);
    if (script == null || script.noLeader || script.metadataVersion.get() == 0) {
      throw new QuorumUnavailableException("no features (scripted)", null);
    }
    return script.metadataVersion.get();
  }

  /** As Kafka does: only upward, and recorded as a change ("metadata.version 33"). */
  @Override
  public void finalizeMetadataVersion(String cluster, String bootstrapControllers, short level)
      throws QuorumUnavailableException {
    Script script = scripts.get(cluster);
    if (script == null || script.noLeader || level < script.metadataVersion.get()) {
      throw new QuorumUnavailableException("features not updated (scripted)", null);
    }
    script.metadataVersion.set(level);
    script.changes.add("metadata.version " + level);
  }

  @Override
  public int grantClients(
      String cluster, String bootstrapControllers, String bootstrapBrokers, ClientGrants grants)
      throws QuorumUnavailableException {
    Script script = scripts.get(cluster);
    if (script != null) {
      script.grantAttempts.incrementAndGet();
    }
    if (script == null || script.noLeader) {
      throw new QuorumUnavailableException("no controller answered (scripted)", null);
    }
    script.aclGrants.incrementAndGet();
    List<AclBinding> missing =
        grants.bindings().stream().filter(b -> !script.acls.contains(b)).toList();
    script.acls.addAll(missing);
    int changed = missing.size();
    for (var user : grants.scram().entrySet()) {
      if (!user.getValue().equals(script.scramUsers.put(user.getKey(), user.getValue()))) {
        changed++;
      }
    }
    return changed;
  }

  @Override
  public KafkaClientUsers clientUsers(
      String cluster, String bootstrapControllers, String bootstrapBrokers)
      throws QuorumUnavailableException {
    Script script = scripts.get(cluster);
    if (script == null || script.noLeader) {
      throw new QuorumUnavailableException("no controller answered (scripted)", null);
    }
    script.clientUsersReads.incrementAndGet();
    if (script.clientUsersUnreadable) {
      throw new QuorumUnavailableException("describe the SCRAM users: no broker answered", null);
    }
    return new KafkaClientUsers(
        script.acls.stream().map(b -> b.entry().principal()).collect(Collectors.toSet()),
        script.scramUsers.keySet());
  }

  @Override
  public int revokeClients(
      String cluster,
      String bootstrapControllers,
      String bootstrapBrokers,
      UserRevocation revocation)
      throws QuorumUnavailableException {
    Script script = scripts.get(cluster);
    if (script == null || script.noLeader) {
      throw new QuorumUnavailableException("no controller answered (scripted)", null);
    }
    script.revocations.add(revocation);
    int acls = script.acls.size();
    script.acls.removeIf(b -> revocation.principals().contains(b.entry().principal()));
    int scram = script.scramUsers.size();
    script.scramUsers.keySet().removeAll(revocation.scramUsers());
    return acls - script.acls.size() + scram - script.scramUsers.size();
  }

  /** The thread of each read of the finalized features, in order. */
  public final List<String> featureReaders = new CopyOnWriteArrayList<>();

  /** The bound each describe was asked with, in order (absent: the client's own). */
  public final List<java.time.Duration> describeBounds = new CopyOnWriteArrayList<>();

  @Override
  public RaftQuorum describe(String cluster, String bootstrapControllers, java.time.Duration within)
      throws QuorumUnavailableException {
    describeBounds.add(within);
    return describe(cluster, bootstrapControllers);
  }

  @Override
  public RaftQuorum describe(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException {
    calls.incrementAndGet();
    describes.computeIfAbsent(cluster, k -> new AtomicInteger()).incrementAndGet();
    Script script = scripts.get(cluster);
    if (script != null && !script.answerAfter.isZero()) {
      answerSlowly(script);
    }
    if (script == null || script.noLeader || script.describeUnanswered) {
      throw new QuorumUnavailableException("no controller answered (scripted)", null);
    }
    long now = clock.millis();
    return new RaftQuorum(
        OptionalInt.of(script.leader),
        script.epoch,
        1000,
        replicas(script, script.voters, now),
        replicas(script, script.observers, now));
  }

  private static void answerSlowly(Script script) {
    script.answering = true;
    long until = System.nanoTime() + script.answerAfter.toNanos();
    boolean interrupted = false;
    while (System.nanoTime() < until) {
      try {
        Thread.sleep(Math.max(1, (until - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    script.answering = false;
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<RaftReplica> replicas(Script script, List<Incarnation> members, long now) {
    long end = 1000;
    List<RaftReplica> replicas = new ArrayList<>();
    for (Incarnation m : members) {
      Long lag = script.laggingBy.get(m.nodeId());
      Long silent = script.stoppedAt.getOrDefault(m, script.silentSince.get(m.nodeId()));
      if (silent != null) {
        replicas.add(
            new RaftReplica(
                m.nodeId(),
                m.directoryId(),
                end - 50,
                OptionalLong.of(silent),
                OptionalLong.of(silent)));
      } else if (script.dead.contains(m.nodeId())) {
        replicas.add(
            new RaftReplica(
                m.nodeId(),
                m.directoryId(),
                end - 50,
                OptionalLong.of(now - 600_000),
                OptionalLong.of(now - 600_000)));
      } else if (lag != null) {
        replicas.add(
            new RaftReplica(
                m.nodeId(),
                m.directoryId(),
                end - lag,
                OptionalLong.of(now - 500),
                OptionalLong.of(now - 10_000)));
      } else {
        replicas.add(
            new RaftReplica(
                m.nodeId(),
                m.directoryId(),
                end - script.behindBy.getOrDefault(m.nodeId(), 0L),
                OptionalLong.of(now),
                OptionalLong.of(now)));
      }
    }
    return replicas;
  }

  @Override
  public void addVoter(
      String cluster, String bootstrapControllers, Incarnation voter, String host, int port)
      throws QuorumUnavailableException {
    Script script = scripts.get(cluster);
    script.addAttempts.add(System.nanoTime());
    if (script.refuseAdds.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new VoterChangeRefused(
          "add voter " + voter + " failed: New voter " + voter + " is not ready (scripted)", null);
    }
    if (!script.observers.remove(voter)) {
      throw new QuorumUnavailableException("no such observer " + voter, null);
    }
    script.voters.add(voter);
    changed(script, "add " + voter);
  }

  @Override
  public void removeVoter(String cluster, String bootstrapControllers, Incarnation voter)
      throws QuorumUnavailableException {
    Script script = scripts.get(cluster);
    if (!script.voters.remove(voter)) {
      throw new QuorumUnavailableException("VoterNotFound " + voter, null);
    }
    if (!script.dead.contains(voter.nodeId())) {
      script.observers.add(voter); // a removed voter that still runs keeps fetching as an observer
    }
    changed(script, "remove " + voter);
  }

  private void changed(Script script, String change) {
    script.changedAt.put(change, clock.millis());
    script.changes.add(change);
    java.util.function.Consumer<Script> then = script.afterChange.remove(change);
    if (then != null) {
      then.accept(script);
    }
    if (script.crashAfterNextChange) {
      script.crashAfterNextChange = false;
      throw new IllegalStateException("simulated operator crash after the Kafka call");
    }
  }

  @Override
  public void forget(String cluster) {
    forgotten.add(cluster);
  }

  @Override
  public void close() {}
}
