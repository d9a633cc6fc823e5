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
 * A scripted quorum for *ApiTests: each cluster answers as its {@link QuorumScript} says (voters
 * and observers as incarnations, a leader and epoch, members that lag or are dead), with timestamps
 * taken from the clock at each call as a live leader reports them. Voter changes the operator asks
 * for are applied and recorded in the script. Clusters without a script answer like unreachable
 * controllers.
 */
public class FakeQuorumClient implements QuorumClient {

  private final Clock clock;
  private final Map<String, QuorumScript> scripts = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final Map<String, AtomicInteger> describes = new ConcurrentHashMap<>();
  private final List<String> forgotten = new CopyOnWriteArrayList<>();

  public FakeQuorumClient(Clock clock) {
    this.clock = clock;
  }

  /** From now on cluster {@code namespace/name} has {@code voters} voters (ids 0..n-1). */
  public QuorumScript script(String cluster, int voters) {
    return scripts.computeIfAbsent(cluster, k -> new QuorumScript(voters));
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
    QuorumScript script = scripts.get(cluster);
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
    QuorumScript script = scripts.get(cluster);
    if (script == null || script.partitions == null) {
      throw new QuorumUnavailableException("no broker answered (scripted)", null);
    }
    return script.partitions.get();
  }

  /** As Kafka does: a broker newly asked counts as cordoned at the next call. */
  @Override
  public Cordons cordonBrokers(
      String cluster, String bootstrapServers, Set<Integer> ids, Set<Integer> mayAsk)
      throws QuorumUnavailableException {
    QuorumScript script = brokersOf(cluster);
    script.onCordon.accept(ids);
    Set<Integer> running = running(script, ids);
    Set<Integer> absent = new TreeSet<>(ids);
    absent.removeAll(running);
    Set<Integer> cordoned = new TreeSet<>();
    for (int id : running) {
      if (script.cordoned.contains(id)) {
        cordoned.add(id);
      } else if (mayAsk.contains(id)) {
        script.cordoned.add(id);
        script.cordonChanges.add("cordon " + id);
      }
    }
    return new Cordons(cordoned, absent);
  }

  @Override
  public Set<Integer> uncordonBrokers(
      String cluster, String bootstrapServers, String bootstrapControllers, Set<Integer> ids)
      throws QuorumUnavailableException {
    QuorumScript script = brokersOf(cluster);
    if (bootstrapControllers == null || bootstrapControllers.isBlank()) {
      throw new QuorumUnavailableException("a cordon is lifted through the controllers", null);
    }
    Set<Integer> running = running(script, ids);
    for (int id : running) {
      script.cordoned.remove(id);
      script.cordonChanges.add("uncordon " + id);
    }
    return running;
  }

  private QuorumScript brokersOf(String cluster) throws QuorumUnavailableException {
    QuorumScript script = scripts.get(cluster);
    if (script == null || script.partitions == null) {
      throw new QuorumUnavailableException("no broker answered (scripted)", null);
    }
    return script;
  }

  private static Set<Integer> running(QuorumScript script, Set<Integer> ids) {
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
    QuorumScript script = scripts.get(cluster);
    if (script == null || script.noLeader || script.metadataVersion.get() == 0) {
      throw new QuorumUnavailableException("no features (scripted)", null);
    }
    return script.metadataVersion.get();
  }

  /** As Kafka does: only upward, and recorded as a change ("metadata.version 33"). */
  @Override
  public void finalizeMetadataVersion(String cluster, String bootstrapControllers, short level)
      throws QuorumUnavailableException {
    QuorumScript script = scripts.get(cluster);
    if (script == null || script.noLeader || level < script.metadataVersion.get()) {
      throw new QuorumUnavailableException("features not updated (scripted)", null);
    }
    if (script.finalizeTimesOut) {
      script.changes.add("metadata.version " + level + " timed out");
      throw new QuorumUnavailableException("timed out waiting for the features (scripted)", null);
    }
    script.metadataVersion.set(level);
    script.changes.add("metadata.version " + level);
  }

  @Override
  public int grantClients(
      String cluster, String bootstrapControllers, String bootstrapBrokers, ClientGrants grants)
      throws QuorumUnavailableException {
    QuorumScript script = scripts.get(cluster);
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
    QuorumScript script = scripts.get(cluster);
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
    QuorumScript script = scripts.get(cluster);
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
    QuorumScript script = scripts.get(cluster);
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

  private static void answerSlowly(QuorumScript script) {
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

  private static List<RaftReplica> replicas(
      QuorumScript script, List<Incarnation> members, long now) {
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
    QuorumScript script = scripts.get(cluster);
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
    QuorumScript script = scripts.get(cluster);
    if (!script.voters.remove(voter)) {
      throw new QuorumUnavailableException("VoterNotFound " + voter, null);
    }
    if (!script.dead.contains(voter.nodeId())) {
      script.observers.add(voter); // a removed voter that still runs keeps fetching as an observer
    }
    changed(script, "remove " + voter);
  }

  private void changed(QuorumScript script, String change) {
    script.changedAt.put(change, clock.millis());
    script.changes.add(change);
    java.util.function.Consumer<QuorumScript> then = script.afterChange.remove(change);
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
