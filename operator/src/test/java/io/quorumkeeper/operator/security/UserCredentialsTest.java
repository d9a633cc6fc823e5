package io.quorumkeeper.operator.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The entries of a client listener user's Secret: generated once, kept, renewed when they must. */
class UserCredentialsTest {

  static final Instant NOW = Instant.parse("2026-12-02T08:00:00Z");
  final UserCredentials credentials = new UserCredentials(TlsSettings.defaults());
  final ClusterCa ca = ClusterCa.generate("kafka", "ledger", Duration.ofDays(1825), NOW);

  @Test
  void givenNoPassword_thenARandomOneIsGeneratedAndAfterwardsKept() {
    Map<String, String> first = credentials.scram("ledger-scram-user", "CA", Map.of());
    Map<String, String> other = credentials.scram("ledger-scram-user", "CA", Map.of());

    assertThat(first.get("password")).hasSize(43).isNotEqualTo(other.get("password"));
    assertThat(credentials.scram("ledger-scram-user", "CA2", first))
        .containsEntry("password", first.get("password"))
        .containsEntry("ca.crt", "CA2");
  }

  @Test
  void givenAValidCertificate_thenKeptAndOneOfAnotherCaOrNameIsIssuedAgain() {
    List<String> issued = new ArrayList<>();
    Map<String, String> first =
        credentials.certificate("ledger-mtls-user", ca, "CA", Map.of(), NOW, issued);
    assertThat(issued).containsExactly("ledger-mtls-user (unreadable: empty)");

    issued.clear();
    assertThat(credentials.certificate("ledger-mtls-user", ca, "CA", first, NOW, issued))
        .isEqualTo(first);
    assertThat(issued).isEmpty();

    ClusterCa other = ClusterCa.generate("kafka", "ledger", Duration.ofDays(1825), NOW);
    credentials.certificate("ledger-mtls-user", other, "CA", first, NOW, issued);
    credentials.certificate("another-user", ca, "CA", first, NOW, issued);
    assertThat(issued)
        .containsExactly(
            "ledger-mtls-user (not signed by the cluster CA)",
            "another-user (subject is CN=ledger-mtls-user)");
  }
}
