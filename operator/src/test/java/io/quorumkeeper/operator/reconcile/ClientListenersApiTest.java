package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.observe.AnonymousClientAcls;
import io.quorumkeeper.operator.security.ClusterCa;
import io.quorumkeeper.operator.security.Pem;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** examples/combined-listeners.yaml against the mock API: the users' Secrets, grants, Ready. */
class ClientListenersApiTest {

  static final Path LISTENERS = Path.of("../examples/combined-listeners.yaml");

  @AutoClose final ApiHarness api = ApiHarness.start();

  @Test
  void givenScramAndTlsListeners_thenEachUserHasASecretAndTheGrantsAndNoOneElse() throws Exception {
    var script = api.quorum().script(NAMESPACE + "/ledger", 3);
    api.create(LISTENERS);
    await().until(() -> statefulSet() != null);
    podsReady();

    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("AllPodsReady"));
    Map<String, String> scram = TlsSecretModel.entries(secret("ledger-scram-user"));
    Map<String, String> mtls = TlsSecretModel.entries(secret("ledger-mtls-user"));
    Map<String, String> ca = TlsSecretModel.entries(secret("ledger-ca"));
    assertThat(scram)
        .containsOnlyKeys("username", "password", "sasl.jaas.config", "ca.crt")
        .containsEntry("username", "ledger-scram-user")
        .containsEntry("ca.crt", ca.get("ca.crt"));
    assertThat(scram.get("password")).hasSizeGreaterThanOrEqualTo(40);
    assertThat(scram.get("sasl.jaas.config"))
        .contains("username=\"ledger-scram-user\" password=\"" + scram.get("password") + "\"");
    assertThat(mtls).containsOnlyKeys("username", "user.key", "user.crt", "ca.crt");
    X509Certificate certificate = Pem.firstCertificate(mtls.get("user.crt"));
    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=ledger-mtls-user");
    assertThat(
            ClusterCa.load(ca.get("ca.crt"), ca.get("ca.key"), Instant.now()).signed(certificate))
        .isTrue();
    assertThat(script.scramUsers)
        .containsExactly(Map.entry("ledger-scram-user", scram.get("password")));
    assertThat(script.acls)
        .containsExactlyInAnyOrderElementsOf(
            concat(
                AnonymousClientAcls.bindings("User:ledger-scram-user"),
                AnonymousClientAcls.bindings("User:ledger-mtls-user")))
        .as("no listener lets anonymous clients in")
        .noneMatch(b -> b.entry().principal().equals("User:ANONYMOUS"));
  }

  @Test
  void givenAUserSecretThatCannotBeWritten_thenReadyWaitsAndTheKeptPasswordSurvivesARewrite() {
    var script = api.quorum().script(NAMESPACE + "/ledger", 3);
    api.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("ledger-scram-user")
                .withNamespace(NAMESPACE)
                .withLabels(Labels.cluster("ledger"))
                .endMetadata()
                .addToStringData("password", "not the operator's")
                .build())
        .create();
    api.create(LISTENERS);
    await().until(() -> statefulSet() != null);
    podsReady();

    await().untilAsserted(() -> assertThat(readyMessage()).contains("Secret ledger-scram-user"));
    assertThat(readyReason()).isNotEqualTo("AllPodsReady");
    assertThat(script.scramUsers).isEmpty();

    api.client().secrets().inNamespace(NAMESPACE).withName("ledger-scram-user").delete();

    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("AllPodsReady"));
    String password = TlsSecretModel.entries(secret("ledger-scram-user")).get("password");
    assertThat(password).isNotEqualTo("not the operator's");
    assertThat(script.scramUsers).containsEntry("ledger-scram-user", password);

    api.awaitAnotherPass("ledger");
    assertThat(TlsSecretModel.entries(secret("ledger-scram-user")).get("password"))
        .as("generated once, kept")
        .isEqualTo(password);
  }

  private static <T> java.util.List<T> concat(java.util.List<T> a, java.util.List<T> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private Secret secret(String name) {
    return api.client().secrets().inNamespace(NAMESPACE).withName(name).get();
  }

  private String readyReason() {
    return Conditions.find(api.get("ledger").getStatus().getConditions(), "Ready")
        .map(c -> c.getReason())
        .orElse(null);
  }

  private String readyMessage() {
    return Conditions.find(api.get("ledger").getStatus().getConditions(), "Ready")
        .map(c -> c.getMessage())
        .orElse("");
  }

  /** No StatefulSet controller runs against the mock API: report its pods ready. */
  private void podsReady() {
    api.statefulSetRolledOut("ledger-node", 3);
  }

  private StatefulSet statefulSet() {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName("ledger-node").get();
  }
}
