package io.quorumkeeper.operator.api.v1alpha1.spec;

/** How a cluster's own nodes talk to each other; decided once, when the cluster is created. */
public enum Transport {
  /** Controller and replication listeners use mutual TLS with the cluster's own CA. */
  TLS,
  /** Every listener is plaintext (clusters created before TLS, or chosen explicitly). */
  Plaintext
}
