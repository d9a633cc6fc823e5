package io.quorumkeeper.node.agent;

import io.quorumkeeper.node.kafka.KafkaVersion;
import java.util.List;

/**
 * The JSON body of {@code GET /v1/node}, the operator's view of one node. Raft fields are {@code
 * null} until Kafka reports them; {@code leaderId} is {@code null} while no leader is known. {@code
 * kafkaVersion} is the version of the Kafka jars this node runs on ({@link KafkaVersion}), whatever
 * the pod's image tag says: the operator's evidence that an upgrade reached the node. {@code
 * metadataRecordsOnDisk} says whether the metadata log on disk holds any record ({@code null} when
 * unknown), which a launcher's formation check reads (ADR 004): unlike {@code logEndOffset}, which
 * Kafka reports as 0 after a restart until its first append, it is true from the node's start.
 */
public record NodeView(
    int nodeId,
    String directoryId,
    String clusterId,
    List<String> roles,
    String raftState,
    Integer leaderId,
    Integer leaderEpoch,
    Long highWatermark,
    Long logEndOffset,
    String kafkaVersion,
    Boolean metadataRecordsOnDisk) {

  public static NodeView of(NodeStatus status) {
    NodeIdentity id = status.identity();
    List<String> roles = id.roles().stream().sorted().map(r -> r.text()).toList();
    return status
        .raft()
        .map(
            m ->
                new NodeView(
                    id.nodeId(),
                    id.directoryId(),
                    id.clusterId(),
                    roles,
                    m.state(),
                    m.leaderId() >= 0 ? m.leaderId() : null,
                    m.epoch(),
                    m.highWatermark(),
                    m.logEndOffset(),
                    KafkaVersion.current(),
                    status.metadataRecordsOnDisk().orElse(null)))
        .orElse(
            new NodeView(
                id.nodeId(),
                id.directoryId(),
                id.clusterId(),
                roles,
                null,
                null,
                null,
                null,
                null,
                KafkaVersion.current(),
                status.metadataRecordsOnDisk().orElse(null)));
  }
}
