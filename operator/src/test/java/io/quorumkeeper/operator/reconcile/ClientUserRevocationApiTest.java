package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.model.UserRevocation;
import io.quorumkeeper.operator.observe.AnonymousClientAcls;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.MovableClock;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * examples/combined-listeners.yaml against the mock API, then a listener removed or changed: the
 * old user's owned Secret goes and Kafka is asked to forget its ACLs and SCRAM credential, while a
 * Secret the cluster does not own, and anyone else's ACLs, stay.
 */
class ClientUserRevocationApiTest {

  final MovableClock clock = new MovableClock();
  @AutoClose final ApiHarness api = ApiHarness.start(clock);

  QuorumScript script;

  @BeforeEach
  void givenTheExampleRunningWithItsUsersGranted() {
    script = api.quorum().script(NAMESPACE + "/ledger", 3);
    api.create(ClientListenersApiTest.LISTENERS);
    await().until(() -> secret("ledger-mtls-user") != null);
    api.statefulSetRolledOut("ledger-node", 3);
    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("AllPodsReady"));
    assertThat(script.scramUsers).containsOnlyKeys("ledger-scram-user");
    assertThat(script.revocations).isEmpty();
  }

  @Test
  void givenANewCluster_thenItsReadyWaitsForNoListingOfUsersAndTheRecheckListsThem() {
    assertThat(script.clientUsersReads)
        .as("the pass that saw the quorum form had nothing to revoke: no broker was asked")
        .hasValue(0);

    clock.advance(ClientAccess.RECHECK);
    api.awaitAnotherPass("ledger");

    await().untilAsserted(() -> assertThat(script.clientUsersReads).hasPositiveValue());
    assertThat(script.revocations).isEmpty();
    assertThat(readyReason()).isEqualTo("AllPodsReady");
  }

  @Test
  void givenTheScramListenerRemoved_thenItsOwnedSecretAclsAndCredentialGoAndForeignOnesStay() {
    foreignSecret("ledger-old-user"); // the operator's name pattern, but not this cluster's own
    List<AclBinding> alice = AnonymousClientAcls.bindings("User:alice");
    script.acls.addAll(alice);

    api.edit(
        "ledger", cr -> cr.getSpec().getListeners().removeIf(l -> l.getName().equals("scram")));

    await().untilAsserted(() -> assertThat(secret("ledger-scram-user")).isNull());
    await().untilAsserted(() -> assertThat(script.scramUsers).isEmpty());
    assertThat(script.revocations)
        .containsExactly(
            new UserRevocation(
                java.util.Set.of("User:ledger-scram-user"), java.util.Set.of("ledger-scram-user")));
    assertThat(script.acls)
        .containsExactlyInAnyOrderElementsOf(
            concat(AnonymousClientAcls.bindings("User:ledger-mtls-user"), alice));
    assertThat(secret("ledger-old-user")).as("not owned: kept").isNotNull();
    assertThat(secret("ledger-mtls-user")).isNotNull();
    await()
        .untilAsserted(
            () ->
                assertThat(revokedEvents())
                    .containsExactly(
                        "client user ledger-scram-user revoked: deleted its ACLs, its SCRAM"
                            + " credential, its Secret, which no current listener needs"));
    api.statefulSetRolledOut("ledger-node", 3); // the pod template lost a port
    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("AllPodsReady"));
  }

  @Test
  void givenAListenerRenamedWhileTheOperatorWasDown_thenTheOldUserIsRevokedAfterItsRestart() {
    api.stopOperator();
    api.edit(
        "ledger",
        cr ->
            cr.getSpec().getListeners().stream()
                .filter(l -> l.getName().equals("mtls"))
                .forEach(l -> l.setName("certs")));
    api.startOperator();

    await().untilAsserted(() -> assertThat(secret("ledger-mtls-user")).isNull());
    await()
        .untilAsserted(
            () ->
                assertThat(script.acls)
                    .containsExactlyInAnyOrderElementsOf(
                        concat(
                            AnonymousClientAcls.bindings("User:ledger-scram-user"),
                            AnonymousClientAcls.bindings("User:ledger-certs-user"))));
    assertThat(secret("ledger-certs-user")).isNotNull();
    assertThat(script.scramUsers).containsOnlyKeys("ledger-scram-user");
  }

  @Test
  void givenScramBecomesTls_thenOnlyTheCredentialGoesAndTheSecretHoldsACertificate() {
    api.edit(
        "ledger",
        cr ->
            cr.getSpec().getListeners().stream()
                .filter(l -> l.getName().equals("scram"))
                .forEach(l -> l.setAuthentication(ListenerAuthentication.TLS)));

    await().untilAsserted(() -> assertThat(script.scramUsers).isEmpty());
    await()
        .untilAsserted(
            () ->
                assertThat(TlsSecretModel.entries(secret("ledger-scram-user")))
                    .containsKey("user.crt")
                    .doesNotContainKey("password"));
    assertThat(script.acls)
        .containsAll(AnonymousClientAcls.bindings("User:ledger-scram-user"))
        .containsAll(AnonymousClientAcls.bindings("User:ledger-mtls-user"));
  }

  @Test
  void givenTheClusterPaused_thenNothingIsRevokedUntilItResumes() {
    api.edit(
        "ledger",
        cr -> {
          cr.getMetadata().setAnnotations(Map.of(QuorumCluster.PAUSED_ANNOTATION, "true"));
          cr.getSpec().getListeners().removeIf(l -> l.getName().equals("scram"));
        });
    api.awaitAnotherPass("ledger");
    assertThat(secret("ledger-scram-user")).isNotNull();
    assertThat(script.revocations).isEmpty();

    api.edit("ledger", cr -> cr.getMetadata().setAnnotations(Map.of()));

    await().untilAsserted(() -> assertThat(secret("ledger-scram-user")).isNull());
    assertThat(script.scramUsers).isEmpty();
  }

  @Test
  void givenKafkaCannotBeAskedWhoExists_thenReadyIsNotHeldBackAndTheNextPassRevokes() {
    script.clientUsersUnreadable = true;

    api.edit(
        "ledger", cr -> cr.getSpec().getListeners().removeIf(l -> l.getName().equals("scram")));

    await().untilAsserted(() -> assertThat(secret("ledger-scram-user")).isNull());
    api.statefulSetRolledOut("ledger-node", 3); // the pod template lost a port
    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("AllPodsReady"));
    assertThat(script.scramUsers).containsOnlyKeys("ledger-scram-user");
    assertThat(script.revocations).isEmpty();

    script.clientUsersUnreadable = false;
    api.awaitAnotherPass("ledger");
    assertThat(script.revocations)
        .as("not on every pass: the brokers may be down, each try would hold the pass")
        .isEmpty();

    clock.advance(ClientAccess.REVOKE_RETRY);
    api.awaitAnotherPass("ledger");

    await().untilAsserted(() -> assertThat(script.scramUsers).isEmpty());
    assertThat(script.acls).noneMatch(b -> b.entry().principal().equals("User:ledger-scram-user"));
  }

  private void foreignSecret(String name) {
    api.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .withLabels(Labels.cluster("ledger"))
                .endMetadata()
                .addToStringData("password", "someone else's")
                .build())
        .create();
  }

  private List<String> revokedEvents() {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> "ClientUserRevoked".equals(e.getReason()))
        .map(Event::getMessage)
        .toList();
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
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
}
