package io.quorumkeeper.node.agent;

import io.quorumkeeper.node.config.ProcessRole;
import java.util.Set;

/**
 * Facts about this node that do not change while it runs: fixed by the ConfigMap and by {@code
 * meta.properties}.
 */
public record NodeIdentity(
    int nodeId, String directoryId, String clusterId, Set<ProcessRole> roles) {

  public NodeIdentity {
    roles = Set.copyOf(roles);
  }

  public boolean hasRole(ProcessRole role) {
    return roles.contains(role);
  }
}
