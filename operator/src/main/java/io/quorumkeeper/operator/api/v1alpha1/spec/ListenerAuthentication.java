package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How a client listener authenticates its clients (docs/security.md, "Client listeners"). */
public enum ListenerAuthentication {
  /** Anonymous: the principal is {@code User:ANONYMOUS}. */
  @JsonProperty("none")
  NONE,
  /** SASL SCRAM-SHA-512 with the user of the listener's {@code <cluster>-<listener>-user}. */
  @JsonProperty("scram-sha-512")
  SCRAM_SHA_512,
  /** A client certificate issued by the cluster CA (needs {@code tls: true}). */
  @JsonProperty("tls")
  TLS
}
