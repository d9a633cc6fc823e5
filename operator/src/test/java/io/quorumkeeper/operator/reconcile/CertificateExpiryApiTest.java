package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.ClusterEdits.COMBINED;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Controllers whose running certificate comes close to its end while their restart is held are
 * reported (ADR 042): the Warning condition, a CertificatesExpiring event and a gauge per node say
 * which pods and when, from what each agent's TLS handshake showed (scripted here; {@code
 * SecureQuorumKraftTest} reads it from real agents).
 */
class CertificateExpiryApiTest {

  final ApiHarness api = ApiHarness.start();
  final ClusterEdits cluster = new ClusterEdits(api);

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenPausedControllersWhoseCertificatesEndSoon_thenWarnedWithThePodsAndWhen_untilRenewed() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3).agentsKnow(0, 1);
    Instant renewed = Instant.now().plus(Duration.ofDays(300)).truncatedTo(ChronoUnit.SECONDS);
    Instant soon = Instant.now().plus(Duration.ofDays(5)).truncatedTo(ChronoUnit.SECONDS);
    runCertificates(quorum, renewed, soon, soon);
    api.create(COMBINED);
    cluster.awaitAccepted("orders", 1);
    api.edit(
        "orders",
        cr -> cr.getMetadata().getAnnotations().put(QuorumCluster.PAUSED_ANNOTATION, "true"));

    await()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(condition(cr, Conditions.PAUSED)).isEqualTo("True");
              assertThat(warning(cr).getStatus()).isEqualTo("True");
              assertThat(warning(cr).getReason()).isEqualTo("CertificatesExpiring");
              assertThat(message(cr, Conditions.WARNING))
                  .startsWith(
                      "orders-node-1 and orders-node-2 run certificates that expire at " + soon)
                  .contains("the quorum is lost");
            });
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.events("CertificatesExpiring"))
                    .anySatisfy(e -> assertThat(e.getMessage()).contains("orders-node-2")));
    assertThat(expiryGauge(1)).isEqualTo(soon.getEpochSecond());
    assertThat(expiryGauge(0)).isEqualTo(renewed.getEpochSecond());
    String warned = message(api.get("orders"), Conditions.WARNING);

    // expired, a certificate fails the operator's handshake and its agent answers no more
    var silent1 = quorum.agents.remove(1);
    var silent2 = quorum.agents.remove(2);
    int rounds = quorum.agentRounds.get();
    await().until(() -> quorum.agentRounds.get() >= rounds + 3);
    assertThat(message(api.get("orders"), Conditions.WARNING)).isEqualTo(warned);
    assertThat(expiryGauge(2)).isEqualTo(soon.getEpochSecond());
    quorum.agents.put(1, silent1);
    quorum.agents.put(2, silent2);

    runCertificates(quorum, renewed, renewed, renewed);

    await()
        .untilAsserted(
            () -> {
              assertThat(warning(api.get("orders")).getReason())
                  .isNotEqualTo("CertificatesExpiring");
              assertThat(expiryGauge(1)).isEqualTo(renewed.getEpochSecond());
            });
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenCertificatesWellAheadOfTheirEnd_thenNoWarning() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3).agentsKnow(0, 1);
    // 16 days: outside half the default 30-day renewal window
    Instant later = Instant.now().plus(Duration.ofDays(16));
    runCertificates(quorum, later, later, later);
    api.create(COMBINED);
    cluster.awaitAccepted("orders", 1);

    await()
        .until(
            () ->
                api.meters().find("quorumkeeper.node.certificate.expiry.timestamp.seconds").gauge()
                    != null);
    assertThat(warning(api.get("orders")).getReason()).isNotEqualTo("CertificatesExpiring");
    assertThat(cluster.events("CertificatesExpiring")).isEmpty();
  }

  /** Each voter's agent presents a certificate ending at the given time, node 0 first. */
  private static void runCertificates(QuorumScript quorum, Instant... notAfter) {
    for (int id = 0; id < notAfter.length; id++) {
      quorum.agents.put(id, quorum.agents.get(id).withCertificateNotAfter(notAfter[id]));
    }
  }

  private static Condition warning(QuorumCluster cr) {
    return Conditions.find(cr.getStatus().getConditions(), Conditions.WARNING).orElseThrow();
  }

  private long expiryGauge(int nodeId) {
    return (long)
        api.meters()
            .get("quorumkeeper.node.certificate.expiry.timestamp.seconds")
            .tags("node_id", "" + nodeId)
            .gauge()
            .value();
  }
}
