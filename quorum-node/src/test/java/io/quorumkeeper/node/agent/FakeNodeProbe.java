package io.quorumkeeper.node.agent;

import io.quorumkeeper.node.config.ProcessRole;
import java.util.Optional;
import java.util.Set;

/** A node probe whose answer the test sets. */
final class FakeNodeProbe implements NodeProbe {

  static final NodeIdentity CONTROLLER =
      new NodeIdentity(
          1, "Zm9vYmFyYmF6cXV4MTIzNA", "MkU3OEVBNTcwNTJENDM2Qg", Set.of(ProcessRole.CONTROLLER));

  private volatile NodeStatus status;
  private volatile RuntimeException failure;

  FakeNodeProbe(NodeStatus status) {
    this.status = status;
  }

  static RaftMetrics follower(int leader, int epoch) {
    return new RaftMetrics(
        "follower",
        leader,
        epoch,
        120,
        121,
        new RaftMetrics.Latencies(1.5, 4, Double.NaN, Double.NaN));
  }

  static NodeStatus controllerFollowing(int leader, int epoch) {
    return new NodeStatus(CONTROLLER, true, Optional.of(follower(leader, epoch)), Optional.empty());
  }

  void set(NodeStatus status) {
    this.status = status;
  }

  void failWith(RuntimeException failure) {
    this.failure = failure;
  }

  @Override
  public NodeStatus status() {
    if (failure != null) {
      throw failure;
    }
    return status;
  }
}
