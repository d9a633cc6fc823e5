package io.quorumkeeper.node.storage;

import io.quorumkeeper.node.config.InitialControllers;
import io.quorumkeeper.node.config.ProcessRole;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@link FormatDecider} needs, as values.
 *
 * @param onDisk the log directory's meta.properties, empty when the disk is not formatted
 */
public record FormatFacts(
    int nodeId,
    Set<ProcessRole> roles,
    String expectedClusterId,
    boolean clusterFormed,
    InitialControllers initialControllers,
    Optional<MetaProperties> onDisk) {

  public FormatFacts {
    roles = Set.copyOf(roles);
  }
}
