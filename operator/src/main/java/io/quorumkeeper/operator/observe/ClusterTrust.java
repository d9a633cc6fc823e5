package io.quorumkeeper.operator.observe;

import java.util.Optional;

/**
 * How the operator reaches a cluster: with the TLS identity of {@link ClientTls} when the cluster
 * runs TLS, in plaintext when it does not (a cluster created before TLS, or {@code transport:
 * Plaintext}).
 */
@FunctionalInterface
public interface ClusterTrust {

  /**
   * The operator's TLS material for a cluster, empty for a plaintext one.
   *
   * @param cluster namespace/name
   */
  Optional<ClientTls> of(String cluster);

  /** Drops what is kept for a cluster that is gone. */
  default void forget(String cluster) {}

  /** Every cluster in plaintext: the tests that run Kafka without TLS. */
  static ClusterTrust plaintext() {
    return cluster -> Optional.empty();
  }
}
