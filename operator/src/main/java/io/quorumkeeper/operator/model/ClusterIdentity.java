package io.quorumkeeper.operator.model;

import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
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
 * @param clients how clients of the listener a cluster without {@code spec.listeners} gets
 *     authenticate, fixed at creation (docs/adr/015): {@code SCRAM_SHA_512} for TLS clusters
 *     created since, {@code NONE} (the anonymous 9092 of before) otherwise
 */
public record ClusterIdentity(
    String clusterId,
    List<VoterRef> initialVoters,
    boolean formed,
    Transport transport,
    ListenerAuthentication clients) {

  public ClusterIdentity {
    initialVoters = List.copyOf(initialVoters);
    transport = transport == null ? Transport.Plaintext : transport;
    clients = clients == null ? ListenerAuthentication.NONE : clients;
  }

  /** An identity from before authenticated default listeners: anonymous clients. */
  public ClusterIdentity(
      String clusterId, List<VoterRef> initialVoters, boolean formed, Transport transport) {
    this(clusterId, initialVoters, formed, transport, ListenerAuthentication.NONE);
  }

  /** An identity from before transports: plaintext. */
  public ClusterIdentity(String clusterId, List<VoterRef> initialVoters, boolean formed) {
    this(clusterId, initialVoters, formed, Transport.Plaintext);
  }

  /** The default authentication of a new cluster: SCRAM where there is TLS (ADR 015). */
  public static ListenerAuthentication defaultClients(Transport transport) {
    return transport == Transport.TLS
        ? ListenerAuthentication.SCRAM_SHA_512
        : ListenerAuthentication.NONE;
  }

  public boolean tls() {
    return transport == Transport.TLS;
  }
}
