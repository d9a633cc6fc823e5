package io.quorumkeeper.operator.model;

import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import java.util.List;

/**
 * The identifiers a cluster keeps for life, generated once by the operator and kept in status:
 * never random at render time, so rendering stays a pure function.
 *
 * @param clusterId the Kafka cluster id
 * @param initialVoters the initial controllers with the directory ids they are formatted with
 * @param formed whether the quorum has ever elected a leader
 */
public record ClusterIdentity(String clusterId, List<VoterRef> initialVoters, boolean formed) {

  public ClusterIdentity {
    initialVoters = List.copyOf(initialVoters);
  }
}
