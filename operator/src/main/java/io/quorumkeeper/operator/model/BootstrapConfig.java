package io.quorumkeeper.operator.model;

import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import java.util.Comparator;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The launcher's instructions for a pool ({@code bootstrap.properties}, see docs/node-contract.md):
 * cluster id, whether the quorum has formed, and for controller pools the initial voters with their
 * operator-generated directory ids.
 */
public final class BootstrapConfig {

  private BootstrapConfig() {}

  public static String render(Pool pool, Pool controllerPool, ClusterIdentity identity) {
    SortedMap<String, String> properties = new TreeMap<>();
    properties.put("agent.port", Integer.toString(Pool.AGENT_PORT));
    properties.put("cluster.formed", Boolean.toString(identity.formed()));
    properties.put("cluster.id", identity.clusterId());
    properties.put("node.id.offset", Integer.toString(pool.kind().nodeIdOffset()));
    properties.put("process.roles", pool.kind().processRoles());
    if (pool.kind().hasControllerRole()) {
      properties.put("initial.controllers", initialControllers(controllerPool, identity));
    }
    return properties.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n", "", "\n"));
  }

  /** Kafka's {@code --initial-controllers} syntax: {@code id@host:port:directoryId,...}. */
  static String initialControllers(Pool controllerPool, ClusterIdentity identity) {
    return identity.initialVoters().stream()
        .sorted(Comparator.comparingInt(VoterRef::getNodeId))
        .map(
            v ->
                v.getNodeId()
                    + "@"
                    + controllerPool.podHost(v.getNodeId() - controllerPool.kind().nodeIdOffset())
                    + ":"
                    + Pool.CONTROLLER_PORT
                    + ":"
                    + v.getDirectoryId())
        .collect(Collectors.joining(","));
  }
}
