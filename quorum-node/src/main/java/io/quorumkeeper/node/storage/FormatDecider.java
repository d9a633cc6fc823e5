package io.quorumkeeper.node.storage;

import io.quorumkeeper.node.config.InitialControllers;
import io.quorumkeeper.node.config.ProcessRole;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The formatting rules of docs/design.md section 4 and docs/node-contract.md as one pure function.
 *
 * <ol>
 *   <li>A disk with {@code meta.properties} is never formatted: it is used as is, or refused when
 *       it belongs to another cluster or node.
 *   <li>An empty broker-only disk gets a plain format.
 *   <li>An empty controller disk gets {@code --initial-controllers} only while {@code
 *       cluster.formed=false}, this node is one of the initial controllers, <em>and</em> no
 *       controller peer answers with a leader; otherwise {@code --no-initial-controllers}. The
 *       peers are asked last and only when the answer matters, because asking costs a few seconds
 *       when nobody is up.
 * </ol>
 *
 * The leader question guards the dangerous case: a voter whose disk was wiped while the ConfigMap
 * still says "never formed" must not come back with its old directory id (docs/design.md invariant
 * 4).
 */
public final class FormatDecider {

  private FormatDecider() {}

  public static FormatDecision decide(FormatFacts facts, LeaderCheck leaderCheck) {
    if (facts.onDisk().isPresent()) {
      return checkExisting(facts.onDisk().get(), facts);
    }
    if (!facts.roles().contains(ProcessRole.CONTROLLER)) {
      return new FormatDecision.FormatBroker();
    }
    if (facts.clusterFormed()) {
      return new FormatDecision.FormatNoInitialControllers("cluster.formed=true");
    }
    InitialControllers initial = facts.initialControllers();
    Optional<InitialControllers.Voter> self = initial.voter(facts.nodeId());
    if (self.isEmpty()) {
      return new FormatDecision.FormatNoInitialControllers(
          "node " + facts.nodeId() + " is not one of the initial controllers");
    }
    OptionalInt leader = leaderCheck.findLeader();
    if (leader.isPresent()) {
      return new FormatDecision.FormatNoInitialControllers(
          "cluster.formed=false but controller peers already follow leader " + leader.getAsInt());
    }
    return new FormatDecision.FormatInitialControllers(initial, self.get().directoryId());
  }

  private static FormatDecision checkExisting(MetaProperties onDisk, FormatFacts facts) {
    if (!onDisk.clusterId().equals(facts.expectedClusterId())) {
      return new FormatDecision.ClusterIdMismatch(onDisk.clusterId(), facts.expectedClusterId());
    }
    if (onDisk.nodeId() != facts.nodeId()) {
      return new FormatDecision.NodeIdMismatch(onDisk.nodeId(), facts.nodeId());
    }
    return new FormatDecision.AlreadyFormatted(onDisk);
  }
}
