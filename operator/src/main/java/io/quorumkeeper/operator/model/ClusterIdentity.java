package io.quorumkeeper.operator.model;

import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import java.util.List;

/**
 * The identifiers a cluster keeps for life, generated once by the operator and kept in status:
 * never random at render time, so rendering stays a pure function.
 *
 * @param clusterId the Kafka cluster id
 * @param initialVoters the initial controllers with the directory ids they are formatted with
 * @param formed whether the quorum has ever elected a leader
 * @param transport how the nodes talk to each other, fixed at creation (docs/adr/012)
 */
public record ClusterIdentity(
    String clusterId, List<VoterRef> initialVoters, boolean formed, Transport transport) {

  public ClusterIdentity {
    initialVoters = List.copyOf(initialVoters);
    transport = transport == null ? Transport.Plaintext : transport;
  }

  /** An identity from before transports: plaintext. */
  public ClusterIdentity(String clusterId, List<VoterRef> initialVoters, boolean formed) {
    this(clusterId, initialVoters, formed, Transport.Plaintext);
  }

  public boolean tls() {
    return transport == Transport.TLS;
  }
}
