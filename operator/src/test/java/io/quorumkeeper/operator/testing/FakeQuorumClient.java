package io.quorumkeeper.operator.testing;

import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import io.quorumkeeper.operator.quorum.RaftReplica;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted quorum for *ApiTests: per cluster, a leader, an epoch and followers that are caught
 * up, lagging or silent, with timestamps taken from the clock at each call as a live leader would
 * report them. Clusters without a script answer like unreachable controllers.
 */
public class FakeQuorumClient implements QuorumClient {

  /** What one cluster's controllers say. */
  public static final class Script {
    volatile int leader = 0;
    volatile long epoch = 1;
    volatile boolean noLeader;
    final int voters;
    final Map<Integer, Long> laggingBy = new ConcurrentHashMap<>();

    Script(int voters) {
      this.voters = voters;
    }

    public Script leader(int nodeId, long epoch) {
      this.leader = nodeId;
      this.epoch = epoch;
      return this;
    }

    public Script lagging(int nodeId, long records) {
      laggingBy.put(nodeId, records);
      return this;
    }

    public Script caughtUp(int nodeId) {
      laggingBy.remove(nodeId);
      return this;
    }

    public Script noLeader(boolean lost) {
      this.noLeader = lost;
      return this;
    }
  }

  private final Clock clock;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();

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

  @Override
  public RaftQuorum describe(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException {
    calls.incrementAndGet();
    Script script = scripts.get(cluster);
    if (script == null || script.noLeader) {
      throw new QuorumUnavailableException("no controller answered (scripted)", null);
    }
    long now = clock.millis();
    long end = 1000;
    List<RaftReplica> voters = new ArrayList<>();
    for (int id = 0; id < script.voters; id++) {
      Long lag = script.laggingBy.get(id);
      voters.add(
          lag == null
              ? new RaftReplica(id, "dir" + id, end, OptionalLong.of(now), OptionalLong.of(now))
              : new RaftReplica(
                  id,
                  "dir" + id,
                  end - lag,
                  OptionalLong.of(now - 500),
                  OptionalLong.of(now - 10_000)));
    }
    return new RaftQuorum(OptionalInt.of(script.leader), script.epoch, end, voters, List.of());
  }

  @Override
  public void forget(String cluster) {}

  @Override
  public void close() {}
}
