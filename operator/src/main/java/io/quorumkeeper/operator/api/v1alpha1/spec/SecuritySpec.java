package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;

/** How the cluster's nodes are secured (docs/security.md). */
@ValidationRule(
    value = "!has(self.certificateAuthority) || !has(self.transport) || self.transport == 'TLS'",
    message = SecuritySpec.CA_NEEDS_TLS)
public class SecuritySpec {

  // The schema's message, repeated word for word by the operator's own validation.
  public static final String TRANSPORT_IMMUTABLE =
      "security.transport is immutable: a running quorum cannot change its listeners' protocol pod"
          + " by pod; create a new QuorumCluster to change it";
  public static final String CA_NEEDS_TLS =
      "security.certificateAuthority needs security.transport TLS: a Plaintext cluster has no"
          + " certificates";

  @JsonPropertyDescription(
      "TLS (mutual TLS with a CA of the cluster's own on the controller and replication"
          + " listeners) or Plaintext. Chosen when the cluster is created (TLS when not set) and"
          + " never changed after; the transport in force is status.bootstrap.transport.")
  @ValidationRule(value = "self == oldSelf", message = TRANSPORT_IMMUTABLE)
  private Transport transport;

  @JsonPropertyDescription(
      "The CA that signs the nodes' certificates, when not the operator's own: a Secret you made"
          + " (secretName) or a cert-manager issuer (issuerRef), exactly one. Not set: the"
          + " operator makes a CA for the cluster. Replacing the CA of a running cluster is a"
          + " CA rotation (docs/security.md).")
  private CertificateAuthoritySpec certificateAuthority;

  public Transport getTransport() {
    return transport;
  }

  public void setTransport(Transport transport) {
    this.transport = transport;
  }

  public CertificateAuthoritySpec getCertificateAuthority() {
    return certificateAuthority;
  }

  public void setCertificateAuthority(CertificateAuthoritySpec certificateAuthority) {
    this.certificateAuthority = certificateAuthority;
  }
}
