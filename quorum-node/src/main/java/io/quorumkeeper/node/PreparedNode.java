package io.quorumkeeper.node;

import io.quorumkeeper.node.config.BootstrapSettings;
import io.quorumkeeper.node.storage.FormatDecision;
import io.quorumkeeper.node.storage.MetaProperties;
import java.nio.file.Path;

/**
 * A node ready for Kafka to start: its rendered config file and its formatted log directory.
 *
 * @param decision what the launcher did with the disk
 * @param meta the log directory's identity after formatting (directory id, cluster id)
 */
public record PreparedNode(
    int nodeId,
    BootstrapSettings settings,
    Path serverProperties,
    Path metadataLogDir,
    FormatDecision decision,
    MetaProperties meta) {}
