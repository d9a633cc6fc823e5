package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.SecretModel;
import io.quorumkeeper.operator.testing.ApiAccess;
import io.quorumkeeper.operator.testing.ApiCall;
import io.quorumkeeper.operator.testing.ApiHarness;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The operator lists, watches and caches only the objects it owns: its informers for owned kinds
 * select {@code app.kubernetes.io/managed-by=quorum-keeper}. Objects of its own that lack the label
 * (written before the informers selected) get it back instead of being created again.
 */
class OwnedInformersApiTest {

  private static final Path COMBINED = Path.of("../examples/combined.yaml");
  private static final String FOREIGN = "someone-elses-password";

  /** The resources of every kind a cluster owns, as they appear in API paths. */
  private static final Set<String> OWNED =
      Set.of(
          "configmaps",
          "services",
          "poddisruptionbudgets",
          "statefulsets",
          "secrets",
          "networkpolicies");

  private ApiHarness api;

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    api.quorum().script(NAMESPACE + "/orders", 3);
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenASecretNoClusterOwns_thenTheOperatorNeverListsWatchesOrCachesIt() {
    api.client()
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(FOREIGN)
                .withNamespace(NAMESPACE)
                .withLabels(Map.of("app", "billing"))
                .endMetadata()
                .withStringData(Map.of("password", "hunter2"))
                .build())
        .create();
    api.create(COMBINED);
    await().until(() -> secret(SecretModel.name("orders")) != null);
    api.stopOperator(); // a restart lists every kind again, with the foreign Secret in place
    api.startOperator();
    api.awaitReconciled("orders");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(api.cached(Secret.class))
                    .extracting(s -> s.getMetadata().getName())
                    .containsExactlyInAnyOrder(
                        SecretModel.name("orders"),
                        "orders-ca",
                        "orders-tls",
                        "orders-clients-user"));
    List<ApiCall> calls = api.drainOperatorCalls();
    assertThat(calls)
        .filteredOn(c -> OWNED.contains(ApiAccess.of(c).resource()))
        .filteredOn(c -> Set.of("list", "watch").contains(ApiAccess.of(c).verb()))
        .as("every list and watch of an owned kind selects the operator's objects")
        .isNotEmpty()
        .allSatisfy(
            c ->
                assertThat(decodedQuery(c)).contains("labelSelector=" + Labels.MANAGED_BY_SELECTOR))
        .extracting(c -> ApiAccess.of(c).resource())
        .containsAll(OWNED);
    List<ApiCall> secretReads =
        calls.stream()
            .filter(c -> c.method().equals("GET") && c.path().contains("/secrets"))
            .toList();
    assertThat(secretReads).as("lists and watches of secrets").isNotEmpty();
    assertThat(secretReads)
        .allSatisfy(
            call -> {
              assertThat(call.path()).doesNotContain("/secrets/" + FOREIGN);
              if (isListOrWatch(call)) {
                assertThat(decodedQuery(call))
                    .contains("labelSelector=" + Labels.MANAGED_BY_SELECTOR);
              }
            });
    assertThat(secretReads).anyMatch(c -> decodedQuery(c).contains("watch=true"));
  }

  @Test
  void givenOwnedObjectsWithoutTheManagedByLabel_thenTheyAreLabelledNotReplaced() {
    api.create(COMBINED);
    await().until(() -> secret(SecretModel.name("orders")) != null && configMap() != null);
    api.stopOperator();
    Secret before = unlabelled(secret(SecretModel.name("orders")));
    unlabelled(configMap());
    api.drainOperatorCalls();

    api.startOperator();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(managedBy(secret(SecretModel.name("orders")))).isTrue();
              assertThat(managedBy(configMap())).isTrue();
            });
    Secret after = secret(SecretModel.name("orders"));
    assertThat(after.getMetadata().getUid()).isEqualTo(before.getMetadata().getUid());
    assertThat(SecretModel.token(after)).isEqualTo(SecretModel.token(before));
    assertThat(api.reconciles().failures()).isEmpty();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(api.cached(StatefulSet.class))
                    .extracting(s -> s.getMetadata().getName())
                    .containsExactly("orders-node"));
  }

  private static boolean isListOrWatch(ApiCall call) {
    return call.path().matches(".*/secrets(\\?.*)?$");
  }

  private static String decodedQuery(ApiCall call) {
    int q = call.path().indexOf('?');
    return q < 0 ? "" : URLDecoder.decode(call.path().substring(q + 1), StandardCharsets.UTF_8);
  }

  private Secret secret(String name) {
    return api.client().secrets().inNamespace(NAMESPACE).withName(name).get();
  }

  private ConfigMap configMap() {
    return api.poolConfigMap("orders-node");
  }

  /** What an operator version before the label selector may have left: the label removed. */
  private <R extends HasMetadata> R unlabelled(R object) {
    object.getMetadata().getLabels().remove(Labels.MANAGED_BY);
    return api.client().resource(object).update();
  }

  private static boolean managedBy(HasMetadata object) {
    return Labels.OPERATOR_NAME.equals(object.getMetadata().getLabels().get(Labels.MANAGED_BY));
  }
}
