package io.quorumkeeper.operator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How the quorum is first formed. The directory ids are generated once, so that re-rendering never
 * invents new ones, and {@code formed} flips to true once, when a leader has been seen.
 */
public class BootstrapStatus {

  @JsonPropertyDescription(
      "True once the quorum has elected a leader; from then on every empty controller disk joins as"
          + " an observer.")
  private boolean formed;

  @JsonPropertyDescription("The initial voters, in node id order, with their directory ids.")
  private List<VoterRef> initialVoters = new ArrayList<>();

  @JsonPropertyDescription(
      "How the cluster's nodes talk to each other, decided when the cluster was created: TLS or"
          + " Plaintext (also every cluster created before this field existed). Never changes.")
  private Transport transport;

  @JsonPropertyDescription(
      "How clients authenticate on the listener the cluster has when spec.listeners is empty,"
          + " decided when the cluster was created: scram-sha-512 (TLS on 9092, listener"
          + " 'clients', user Secret <cluster>-clients-user) for TLS clusters, none (anonymous"
          + " plaintext 9092) for Plaintext clusters and every cluster created before this field"
          + " existed. Never changes.")
  private ListenerAuthentication clientAuthentication;

  public boolean isFormed() {
    return formed;
  }

  public void setFormed(boolean formed) {
    this.formed = formed;
  }

  public List<VoterRef> getInitialVoters() {
    return initialVoters;
  }

  public void setInitialVoters(List<VoterRef> initialVoters) {
    this.initialVoters = initialVoters;
  }

  public Transport getTransport() {
    return transport;
  }

  public void setTransport(Transport transport) {
    this.transport = transport;
  }

  public ListenerAuthentication getClientAuthentication() {
    return clientAuthentication;
  }

  public void setClientAuthentication(ListenerAuthentication clientAuthentication) {
    this.clientAuthentication = clientAuthentication;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BootstrapStatus b
        && formed == b.formed
        && Objects.equals(initialVoters, b.initialVoters)
        && transport == b.transport
        && clientAuthentication == b.clientAuthentication;
  }

  @Override
  public int hashCode() {
    return Objects.hash(formed, initialVoters, transport, clientAuthentication);
  }
}
