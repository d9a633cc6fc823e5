package io.quorumkeeper.operator.crd;

import static io.quorumkeeper.operator.crd.CrdManifests.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.quorumkeeper.crds.Violation;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CRD on update: the transition rules (immutable fields) and what an update may change. */
@DisplayName("QuorumCluster CRD on update")
class CrdUpdateRulesTest {

  static final String COMBINED =
      quorumCluster(
          """
          topology: Combined
          controllers:
            replicas: 3
          """);

  static final String SEPARATED =
      quorumCluster(
          """
          topology: Separated
          controllers:
            replicas: 3
          brokers:
            replicas: 3
          """);

  @Test
  void givenACombinedCluster_whenChangedToSeparated_thenTopologyIsImmutable() {
    assertThat(validator.validateUpdate(COMBINED, SEPARATED))
        .extracting(Violation::path, Violation::message)
        .containsExactly(tuple("spec.topology", TOPOLOGY_IMMUTABLE));
  }

  @Test
  void givenASeparatedCluster_whenChangedToCombined_thenTopologyIsImmutable() {
    assertThat(validator.validateUpdate(SEPARATED, COMBINED))
        .extracting(Violation::path, Violation::message)
        .containsExactly(tuple("spec.topology", TOPOLOGY_IMMUTABLE));
  }

  @Test
  void givenASeparatedCluster_whenTopologyIsRemoved_thenItsDefaultCombinedCountsAsAChange() {
    String topologyRemoved =
        quorumCluster(
            """
            controllers:
              replicas: 3
            brokers:
              replicas: 3
            """);

    assertThat(validator.validateUpdate(SEPARATED, topologyRemoved))
        .extracting(Violation::message)
        .containsExactlyInAnyOrder(TOPOLOGY_IMMUTABLE, BROKERS_ONLY_SEPARATED);
  }

  @Test
  void givenACluster_whenScaledWithoutTouchingTopology_thenNoRuleFails() {
    String scaled =
        quorumCluster(
            """
            topology: Separated
            controllers:
              replicas: 5
              voters: 5
            brokers:
              replicas: 6
            """);

    assertThat(validator.validateUpdate(SEPARATED, scaled)).isEmpty();
  }

  @Test
  void givenATlsCluster_whenChangedToPlaintext_thenTransportIsImmutable() {
    String tls = quorumCluster("controllers:\n  replicas: 3\nsecurity:\n  transport: TLS\n");
    String plain =
        quorumCluster("controllers:\n  replicas: 3\nsecurity:\n  transport: Plaintext\n");

    assertThat(validator.validateUpdate(tls, plain))
        .extracting(Violation::path, Violation::message)
        .containsExactly(tuple("spec.security.transport", TRANSPORT_IMMUTABLE));
    assertThat(validator.validateUpdate(COMBINED, plain))
        .as("set for the first time: the operator compares it with the transport in force")
        .isEmpty();
  }

  @Test
  void givenAVolumeSizeOrClass_whenChanged_thenImmutable_andTheSameIsFine() {
    String small = quorumCluster("controllers:\n  replicas: 3\n  storage:\n    size: 10Gi\n");
    String big = quorumCluster("controllers:\n  replicas: 3\n  storage:\n    size: 20Gi\n");
    String fast =
        quorumCluster(
            "controllers:\n  replicas: 3\n  storage:\n    size: 10Gi\n"
                + "    storageClassName: fast\n");
    String slow =
        quorumCluster(
            "controllers:\n  replicas: 3\n  storage:\n    size: 10Gi\n"
                + "    storageClassName: slow\n");

    assertThat(validator.validateUpdate(small, big))
        .extracting(Violation::path, Violation::message)
        .containsExactly(tuple("spec.controllers.storage.size", SIZE_IMMUTABLE));
    assertThat(validator.validateUpdate(fast, slow))
        .extracting(Violation::path, Violation::message)
        .containsExactly(tuple("spec.controllers.storage.storageClassName", CLASS_IMMUTABLE));
    assertThat(validator.validateUpdate(small, small)).isEmpty();
    assertThat(validator.validateUpdate(small, fast))
        .as("set for the first time: the operator compares it with the accepted spec")
        .isEmpty();
  }

  @Test
  void givenAClusterCreatedWithoutTopology_whenUpdatedWithTopologyCombined_thenNoRuleFails() {
    String implicit =
        quorumCluster(
            """
            controllers:
              replicas: 3
            """);

    assertThat(validator.validateUpdate(implicit, COMBINED)).isEmpty();
  }
}
