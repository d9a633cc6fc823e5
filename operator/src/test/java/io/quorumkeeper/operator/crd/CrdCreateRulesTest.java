package io.quorumkeeper.operator.crd;

import static io.quorumkeeper.operator.crd.CrdManifests.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.quorumkeeper.crds.CelSchemaValidator;
import io.quorumkeeper.crds.Violation;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CRD on create: valid clusters pass with their defaults, each broken rule answers with its
 * message.
 */
@DisplayName("QuorumCluster CRD on create")
class CrdCreateRulesTest {

  static Stream<Arguments> validClusters() {
    return Stream.of(
        Arguments.of(
            "Combined, 3 replicas, voters left to the default (topology omitted)",
            quorumCluster(
                """
                controllers:
                  replicas: 3
                """)),
        Arguments.of(
            "Combined, 3 replicas, no voters",
            quorumCluster(
                """
                topology: Combined
                controllers:
                  replicas: 3
                """)),
        Arguments.of(
            "Combined, 4 replicas, 3 voters and a hot spare",
            quorumCluster(
                """
                topology: Combined
                controllers:
                  replicas: 4
                  voters: 3
                """)),
        Arguments.of(
            "Separated with a broker pool",
            quorumCluster(
                """
                topology: Separated
                controllers:
                  replicas: 3
                  voters: 3
                brokers:
                  replicas: 3
                  storage:
                    size: 100Gi
                """)),
        Arguments.of(
            "SCRAM, mTLS and anonymous listeners (transport left to its default, TLS)",
            withListeners(
                """
                - {name: plain, port: 9092}
                - {name: scram, port: 9094, tls: true, authentication: scram-sha-512}
                - {name: mtls, port: 9095, tls: true, authentication: tls}
                """)),
        Arguments.of(
            "one anonymous listener on another port of a Plaintext cluster",
            quorumCluster(
                """
                controllers:
                  replicas: 3
                security:
                  transport: Plaintext
                listeners:
                - {name: clients, port: 19092}
                """)),
        Arguments.of(
            "the user's CA in a Secret",
            withSecurity("certificateAuthority: {secretName: corp-ca}\n")),
        Arguments.of(
            "a cert-manager ClusterIssuer, TLS said explicitly",
            withSecurity(
                "transport: TLS\ncertificateAuthority:\n"
                    + "  issuerRef: {name: corp-issuer, kind: ClusterIssuer}\n")),
        Arguments.of(
            "a cert-manager Issuer, kind and group left to their defaults",
            withSecurity("certificateAuthority: {issuerRef: {name: corp-issuer}}\n")),
        Arguments.of(
            "1 voter with 1 replica",
            quorumCluster(
                """
                controllers:
                  replicas: 1
                  voters: 1
                """)),
        Arguments.of(
            "9 voters with 9 replicas, the most a quorum may have",
            quorumCluster(
                """
                controllers:
                  replicas: 9
                  voters: 9
                """)));
  }

  @ParameterizedTest(name = "given {0}, then no rule fails")
  @MethodSource("validClusters")
  void shouldAcceptAValidCluster(String description, String manifest) {
    assertThat(validator.validateCreate(manifest)).isEmpty();
  }

  static Stream<Arguments> invalidClusters() {
    return Stream.of(
        Arguments.of(
            "an even voter count (4 voters, 5 replicas)",
            quorumCluster(
                """
                controllers:
                  replicas: 5
                  voters: 4
                """),
            "spec.controllers",
            VOTERS_ODD),
        Arguments.of(
            "11 voters (with 11 replicas, so only the range is wrong)",
            quorumCluster(
                """
                controllers:
                  replicas: 11
                  voters: 11
                """),
            "spec.controllers",
            VOTERS_RANGE),
        Arguments.of(
            "more voters than replicas (5 voters, 3 replicas)",
            quorumCluster(
                """
                controllers:
                  replicas: 3
                  voters: 5
                """),
            "spec.controllers",
            VOTERS_EXCEED_REPLICAS),
        Arguments.of(
            "a broker pool with topology Combined",
            quorumCluster(
                """
                topology: Combined
                controllers:
                  replicas: 3
                brokers:
                  replicas: 3
                """),
            "spec",
            BROKERS_ONLY_SEPARATED),
        Arguments.of(
            "a broker pool with topology omitted (defaulted to Combined)",
            quorumCluster(
                """
                controllers:
                  replicas: 3
                brokers:
                  replicas: 3
                """),
            "spec",
            BROKERS_ONLY_SEPARATED),
        Arguments.of(
            "topology Separated without a broker pool",
            quorumCluster(
                """
                topology: Separated
                controllers:
                  replicas: 3
                """),
            "spec",
            SEPARATED_NEEDS_BROKERS),
        Arguments.of(
            "two listeners with one name",
            withListeners("- {name: a, port: 9094}\n- {name: a, port: 9095}\n"),
            "spec.listeners",
            LISTENER_NAMES_UNIQUE),
        Arguments.of(
            "two listeners on one port",
            withListeners("- {name: a, port: 9094}\n- {name: b, port: 9094}\n"),
            "spec.listeners",
            LISTENER_PORTS_UNIQUE),
        Arguments.of(
            "a listener named replication",
            withListeners("- {name: replication, port: 9094}\n"),
            "spec.listeners",
            LISTENER_NAME_RESERVED),
        Arguments.of(
            "a listener on the controller port",
            withListeners("- {name: a, port: 9093}\n"),
            "spec.listeners",
            LISTENER_PORT_RESERVED),
        Arguments.of(
            "certificate authentication without TLS",
            withListeners("- {name: a, port: 9094, authentication: tls}\n"),
            "spec.listeners",
            LISTENER_TLS_AUTH_NEEDS_TLS),
        Arguments.of(
            "a SCRAM listener on a Plaintext cluster",
            quorumCluster(
                """
                controllers:
                  replicas: 3
                security:
                  transport: Plaintext
                listeners:
                - {name: a, port: 9094, authentication: scram-sha-512}
                """),
            "spec",
            LISTENERS_PLAINTEXT),
        Arguments.of(
            "a certificate authority with neither a Secret nor an issuer",
            withSecurity("certificateAuthority: {}\n"),
            "spec.security.certificateAuthority",
            CA_EXACTLY_ONE),
        Arguments.of(
            "a certificate authority with both a Secret and an issuer",
            withSecurity(
                "certificateAuthority: {secretName: corp-ca, issuerRef: {name: corp-issuer}}\n"),
            "spec.security.certificateAuthority",
            CA_EXACTLY_ONE),
        Arguments.of(
            "an issuer of another kind",
            withSecurity(
                "certificateAuthority: {issuerRef: {name: corp-issuer, kind: VaultIssuer}}\n"),
            "spec.security.certificateAuthority.issuerRef.kind",
            CA_ISSUER_KIND),
        Arguments.of(
            "a certificate authority on a Plaintext cluster",
            withSecurity("transport: Plaintext\ncertificateAuthority: {secretName: corp-ca}\n"),
            "spec.security",
            CA_NEEDS_TLS));
  }

  @ParameterizedTest(name = "given {0}, then exactly one rule fails, with its message")
  @MethodSource("invalidClusters")
  void shouldRejectAnInvalidClusterWithTheRulesMessage(
      String description, String manifest, String path, String message) {
    assertThat(validator.validateCreate(manifest))
        .extracting(Violation::path, Violation::message)
        .containsExactly(tuple(path, message));
  }

  @Test
  void givenNoOldObject_whenCreatingAnyTopology_thenTheImmutabilityRuleIsNotEvaluated() {
    String separated =
        quorumCluster(
            """
            topology: Separated
            controllers:
              replicas: 3
            brokers:
              replicas: 1
            """);

    assertThat(validator.validateCreate(separated)).isEmpty();
  }

  @Test
  void givenTopologyAndPoolsOmitted_whenDefaulted_thenTheRulesSeeTheDefaults() {
    JsonNode stored =
        validator.withDefaults(
            CelSchemaValidator.parseYaml(
                quorumCluster(
                    """
                    controllers:
                      replicas: 3
                    """)));

    assertThat(stored.at("/spec/topology").asText()).isEqualTo("Combined");
    assertThat(stored.at("/spec/controllers/storage/size").asText()).isEqualTo("10Gi");
    assertThat(stored.at("/spec/healing/unreachableAfter").asText()).isEqualTo("30s");
    assertThat(stored.at("/spec/kafka/version").asText()).isEqualTo("4.4.0");
  }
}
