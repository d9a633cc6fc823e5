package io.quorumkeeper.operator.observe;

import static io.quorumkeeper.operator.observe.QuorumObservation.key;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.api.v1alpha1.status.BootstrapStatus;
import io.quorumkeeper.operator.model.AcceptedSpec;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.SpecValidator;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * One observation of one cluster: Kafka's Admin API (the quorum, and the finalized metadata.version
 * on the same client and bound) and every controller pod's agent, asked at once. While Kafka's call
 * hangs, the agents are asked again; a new leader's own word can end the wait (ADR 003). A quorum
 * that never formed is asked of Kafka only once an agent knows a leader ({@link
 * EpochClock#noLeaderYet}). The event source that schedules these rounds and turns them into passes
 * is {@link QuorumObservation}.
 */
final class ObservationRound {

  private static final Logger LOG = Logger.getLogger(ObservationRound.class);

  /**
   * How long Kafka's answer is waited for once an agent reported a newer leader (see {@link
   * #awaitKafka}); a live leader answers a describe in a few milliseconds.
   */
  static final Duration AFTER_AGENTS = Duration.ofMillis(100);

  /**
   * How often the agents are asked again while Kafka's call has not answered (see {@link
   * #observe}): a healthy describe answers in milliseconds, so this costs nothing while all is
   * well.
   */
  static final Duration AGENTS_AGAIN = Duration.ofMillis(250);

  /**
   * Where an observation's Kafka call and agents' round run, so that it can stop waiting for a call
   * that asks a dead leader. A call runs within its own bound, so the threads are as many as the
   * calls under way; idle ones end after a minute.
   */
  private static final java.util.concurrent.ExecutorService CALLS =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "quorum-call");
            thread.setDaemon(true);
            return thread;
          });

  private ObservationRound() {}

  /**
   * Whether the cluster runs TLS, so that its agents serve HTTPS: as its identity in status says
   * (one written before transports is a plaintext cluster's, ADR 012), and before it has one, as
   * its spec asks (TLS unless it says Plaintext). Only a cluster known to run Plaintext has its
   * agents asked over plain HTTP.
   */
  static boolean runsTls(QuorumCluster cr) {
    BootstrapStatus bootstrap = cr.getStatus() == null ? null : cr.getStatus().getBootstrap();
    if (bootstrap != null) {
      return bootstrap.getTransport() == Transport.TLS;
    }
    return cr.getSpec() == null || SpecValidator.requested(cr.getSpec()) == Transport.TLS;
  }

  /**
   * The controller pool that runs, as the observation asks it; null without a usable spec. What
   * runs: a refused newer spec names pods that may not exist, or another topology's. Without an
   * accepted spec the raw one is used, which the operator may be refusing: a count beyond what any
   * accepted spec has would size the hosts (a schema-less server can deliver 2147483647).
   */
  static Pool runningControllers(QuorumCluster cr) {
    Pool controllers;
    try {
      controllers =
          ClusterModel.pools(
                  AcceptedSpec.read(cr).map(spec -> AcceptedSpec.running(cr, spec)).orElse(cr))
              .get(0);
    } catch (RuntimeException unusableSpec) {
      return null;
    }
    return controllers.replicas() < 1 || controllers.replicas() > Pool.MAX_REPLICAS
        ? null
        : controllers;
  }

  /** One round for {@code cr}, marked as made for it ({@link RaftObservation#isAbout}). */
  static RaftObservation observe(
      QuorumCluster cr,
      QuorumClient client,
      QuorumMetrics metrics,
      Clock clock,
      AgentTokens tokens,
      EpochClock epochs,
      Duration describeWithin) {
    return round(cr, client, metrics, clock, tokens, epochs, describeWithin)
        .madeFor(cr.getMetadata().getUid());
  }

  private static RaftObservation round(
      QuorumCluster cr,
      QuorumClient client,
      QuorumMetrics metrics,
      Clock clock,
      AgentTokens tokens,
      EpochClock epochs,
      Duration describeWithin) {
    String key = key(cr);
    Pool controllers = runningControllers(cr);
    if (controllers == null) {
      return new RaftObservation(
          key,
          clock.instant(),
          Optional.empty(),
          "no accepted spec to observe by",
          Map.of(),
          Instant.EPOCH);
    }
    String bootstrap = controllers.controllerEndpoints();
    long start = System.nanoTime();
    Optional<String> token = Optional.empty();
    try {
      token = tokens.get(cr);
    } catch (RuntimeException e) {
      LOG.debugf("cluster=%s agent token not read: %s", key, e.toString());
    }
    boolean tls = runsTls(cr);
    Map<Integer, String> hosts = new TreeMap<>();
    for (int ordinal = 0; ordinal < controllers.replicas(); ordinal++) {
      hosts.put(controllers.nodeId(ordinal), controllers.podHost(ordinal));
    }
    // The agents are asked while Kafka is: a pod slow to answer costs the round at most the
    // longer of the two bounds, not their sum.
    CompletableFuture<Map<Integer, AgentReport>> asked =
        token
            .map(t -> CompletableFuture.supplyAsync(() -> client.agents(key, hosts, t, tls), CALLS))
            .orElse(CompletableFuture.completedFuture(Map.of()));
    if (!QuorumObservation.formed(cr) && token.isPresent()) {
      // A new quorum: Kafka is asked once a controller knows its first leader (ADR 003).
      Map<Integer, AgentReport> early = agentsOrNone(key, asked);
      Instant now = clock.instant();
      if (epochs.noLeaderYet(key, early, now)) {
        RaftObservation waiting =
            new RaftObservation(
                key,
                now,
                Optional.empty(),
                NO_LEADER_YET + "; " + ownViews(hosts.keySet(), early),
                early,
                Instant.EPOCH);
        metrics.observed(key, Duration.ofNanos(System.nanoTime() - start), false);
        return waiting;
      }
    }
    Instant askedAt = clock.instant();
    CompletableFuture<Described> described =
        CompletableFuture.supplyAsync(
            () -> describe(client, key, bootstrap, describeWithin, clock), CALLS);
    CompletableFuture<OptionalInt> features =
        CompletableFuture.supplyAsync(
            () -> metadataVersion(client, key, bootstrap, describeWithin), CALLS);
    Map<Integer, AgentReport> agents = agentsOrNone(key, asked);
    Optional<AgentReport> newLeader = newLeader(agents, epochs.last(key));
    // While Kafka's call hangs (on a leader that just died, most likely), the agents are asked
    // again every AGENTS_AGAIN: the election may end during the call, and the new leader says so.
    while (newLeader.isEmpty() && token.isPresent() && !described.isDone()) {
      try {
        described.get(AGENTS_AGAIN.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException slow) {
        agents = client.agents(key, hosts, token.get(), tls);
        newLeader = newLeader(agents, epochs.last(key));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
        break; // awaitKafka reports it
      }
    }
    Described answer = awaitKafka(key, described, newLeader);
    Optional<RaftQuorum> raft = answer.raft();
    String failure = answer.failure();
    if (failure != null && token.isPresent()) {
      failure = failure + "; " + ownViews(hosts.keySet(), agents);
    }
    // Asked on the same client with the same bound as the quorum: once Kafka described the quorum,
    // the features' answer is about there.
    OptionalInt metadataVersion =
        raft.isEmpty()
            ? OptionalInt.empty()
            : features
                .completeOnTimeout(
                    OptionalInt.empty(), AFTER_AGENTS.toMillis(), TimeUnit.MILLISECONDS)
                .join();
    // What Kafka showed is as of its answer: rounds that overlap are ordered by it (ADR 021).
    Instant now = answer.answeredAt() != null ? answer.answeredAt() : clock.instant();
    Instant epochSince =
        raft.map(r -> epochs.since(key, r.leaderEpoch(), now)).orElse(Instant.EPOCH);
    RaftObservation observation =
        new RaftObservation(
            key, now, raft, failure, agents, epochSince, metadataVersion, askedAt, null);
    metrics.observed(
        key, Duration.ofNanos(System.nanoTime() - start), observation.raft().isPresent());
    return observation;
  }

  /**
   * Why a round of a quorum that never formed did not ask Kafka (see {@link
   * EpochClock#noLeaderYet}): its controllers' own views, from their agents, follow it.
   */
  static final String NO_LEADER_YET = "Kafka not asked before a first leader is known";

  /** See {@link EpochClock#noLeaderYet}. */
  static final Duration AGENTS_SILENT_GRACE = Duration.ofSeconds(20);

  private static Map<Integer, AgentReport> agentsOrNone(
      String key, CompletableFuture<Map<Integer, AgentReport>> asked) {
    try {
      return asked.join();
    } catch (RuntimeException e) {
      LOG.debugf("cluster=%s agents not asked: %s", key, e.toString());
      return Map.of();
    }
  }

  private static OptionalInt metadataVersion(
      QuorumClient client, String key, String bootstrap, Duration within) {
    try {
      return OptionalInt.of(client.finalizedMetadataVersion(key, bootstrap, within));
    } catch (QuorumUnavailableException | RuntimeException e) {
      LOG.debugf("cluster=%s finalized metadata.version unknown: %s", key, e.getMessage());
      return OptionalInt.empty();
    }
  }

  /**
   * Kafka's answer to one describe: the quorum and when it arrived (the moment the observation
   * shows), or why there is none.
   */
  private record Described(Optional<RaftQuorum> raft, String failure, Instant answeredAt) {

    Described(String failure) {
      this(Optional.empty(), failure, null);
    }
  }

  private static Described describe(
      QuorumClient client, String key, String bootstrap, Duration within, Clock clock) {
    try {
      RaftQuorum quorum = client.describe(key, bootstrap, within);
      return new Described(Optional.of(quorum), null, clock.instant());
    } catch (QuorumUnavailableException e) {
      LOG.debugf("cluster=%s quorum not observed: %s", key, e.getMessage());
      return new Described(e.getMessage());
    } catch (RuntimeException e) {
      LOG.warnf("cluster=%s quorum observation failed: %s", key, e.toString());
      return new Described(e.toString());
    }
  }

  /**
   * Kafka's answer, waited for in full unless an agent already reports a leader at an epoch newer
   * than the last one Kafka's Admin API showed: after a failover, an Admin client may still be
   * asking the dead leader for up to its bound, while the new leader's agent says so at once. Then
   * Kafka gets {@link #AFTER_AGENTS} more, and without its answer the observation carries the
   * agents' view alone (healing never acts on that; status reports the new leader).
   */
  private static Described awaitKafka(
      String key, CompletableFuture<Described> described, Optional<AgentReport> newLeader) {
    try {
      if (newLeader.isEmpty()) {
        return described.join();
      }
      return described.get(AFTER_AGENTS.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException slow) {
      AgentReport leader = newLeader.get();
      LOG.debugf(
          "cluster=%s node %d reports itself leader at epoch %d; Kafka's Admin API has not"
              + " answered yet",
          key, leader.nodeId(), leader.leaderEpoch());
      return new Described(
          "Kafka's Admin API had not answered when node "
              + leader.nodeId()
              + " reported itself leader at epoch "
              + leader.leaderEpoch());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Described("interrupted while asking Kafka");
    } catch (java.util.concurrent.ExecutionException | RuntimeException e) {
      return new Described(e.toString());
    }
  }

  /**
   * The agent that reports itself leader at an epoch newer than {@code lastEpoch} (Raft elects at
   * most one leader per epoch, so its own word is the election's result), if any.
   */
  static Optional<AgentReport> newLeader(
      Map<Integer, AgentReport> agents, java.util.OptionalLong lastEpoch) {
    if (lastEpoch.isEmpty()) {
      return Optional.empty(); // no leader known yet: nothing to tell a change by
    }
    return agents.values().stream()
        .filter(a -> "leader".equalsIgnoreCase(a.raftState()))
        .filter(a -> a.leaderEpoch() != null && a.leaderEpoch() > lastEpoch.getAsLong())
        .max(java.util.Comparator.comparing(AgentReport::leaderEpoch));
  }

  /**
   * "node 0: candidate, epoch 7, node 1: no answer": each controller's own view of the election.
   */
  static String ownViews(Set<Integer> nodeIds, Map<Integer, AgentReport> agents) {
    return nodeIds.stream()
        .sorted()
        .map(
            id ->
                "node "
                    + id
                    + ": "
                    + (agents.containsKey(id) ? agents.get(id).describe() : "no answer"))
        .collect(Collectors.joining(", "));
  }

  /**
   * When each cluster's current leader epoch was first observed, by the operator's clock; and, for
   * a quorum that never formed, since when its agents have been silent.
   */
  static final class EpochClock {
    private record Seen(long epoch, Instant at) {}

    private final Map<String, Seen> seen = new java.util.concurrent.ConcurrentHashMap<>();

    /** Since when no agent of a cluster that never formed has answered. */
    private final Map<String, Instant> agentsSilentSince =
        new java.util.concurrent.ConcurrentHashMap<>();

    void forget(String cluster) {
      seen.remove(cluster);
      agentsSilentSince.remove(cluster);
    }

    /**
     * Whether, by its controllers' agents, a quorum that never formed cannot answer Kafka's
     * describe yet, so that this round need not ask: no agent that answered knows a leader (its
     * Kafka has not started, or the first election is under way). Kafka's describe goes to the
     * leader; before there is one it can only fail after its whole bound, while its Admin client
     * retries connections to listeners that are not open yet (hundreds of warnings in the
     * operator's log and a busy CPU for each new cluster). When no agent answers at all (the pods
     * are starting: an agent listens before its Kafka starts), Kafka is not asked for {@link
     * ObservationRound#AGENTS_SILENT_GRACE} from the first such round, then asked as before: agents
     * the operator cannot reach must not keep a cluster from forming.
     */
    boolean noLeaderYet(String cluster, Map<Integer, AgentReport> agents, Instant now) {
      if (agents.isEmpty()) {
        Instant since = agentsSilentSince.computeIfAbsent(cluster, k -> now);
        return Duration.between(since, now).compareTo(AGENTS_SILENT_GRACE) < 0;
      }
      agentsSilentSince.remove(cluster);
      return agents.values().stream().allMatch(a -> a.leaderId() == null);
    }

    /** The leader epoch Kafka's Admin API last showed for the cluster, if any. */
    java.util.OptionalLong last(String cluster) {
      Seen s = seen.get(cluster);
      return s == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(s.epoch());
    }

    Instant since(String cluster, long epoch, Instant now) {
      return seen.compute(
              cluster, (k, s) -> s != null && s.epoch() == epoch ? s : new Seen(epoch, now))
          .at();
    }
  }
}
