package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.testing.ApiHarness;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged Quarkus application, not a hand-built Operator: QOSDK registers the reconciler,
 * configuration comes from application.properties, and a QuorumCluster gets its StatefulSet.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class OperatorAppApiTest {

  @Inject KubernetesClient client;
  @Inject Operator operator;

  @TestHTTPResource("/q/metrics")
  URL metrics;

  private static String get(URL url) throws Exception {
    try (var in = url.openStream()) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  @Test
  void givenQuarkusApp_whenClusterCreated_thenItIsReconciledWithoutServerSideApply()
      throws Exception {
    client.resource(ApiHarness.crd()).createOr(existing -> existing.update());
    QuorumCluster cr =
        client
            .getKubernetesSerialization()
            .unmarshal(Files.readString(Path.of("../examples/combined.yaml")), QuorumCluster.class);
    cr.getMetadata().setNamespace("apps");

    client.resource(cr).create();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apps()
                            .statefulSets()
                            .inNamespace("apps")
                            .withName("orders-node")
                            .get())
                    .isNotNull());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(get(metrics))
                    .contains(
                        "quorumkeeper_observation_seconds_count{answered=\"false\",cluster=\"orders\",namespace=\"apps\",}")
                    .contains(
                        "quorumkeeper_quorum_leader{cluster=\"orders\",namespace=\"apps\",} -1.0")
                    .contains(
                        "quorumkeeper_cluster_condition{cluster=\"orders\",namespace=\"apps\",type=\"SpecInvalid\",} 0.0")
                    .contains(
                        "operator_sdk_controllers_execution_reconcile_seconds_count{controller=\"quorumcluster\""));
    // the SDK's meters per controller: no series of theirs names a resource (SdkMetricsProducer)
    assertThat(get(metrics).lines().filter(line -> line.startsWith("operator_sdk_")))
        .isNotEmpty()
        .noneMatch(line -> line.contains("resource_name="));
    assertThat(
            operator
                .getRegisteredController(QuorumClusterReconciler.NAME)
                .orElseThrow()
                .getConfiguration()
                .getEffectiveNamespaces())
        .as("without QUORUMKEEPER_WATCH_NAMESPACES, every namespace")
        .containsExactly("JOSDK_ALL_NAMESPACES");
    assertThat(operator.getConfigurationService().useSSAToPatchPrimaryResource()).isFalse();
    assertThat(operator.getConfigurationService().ssaBasedCreateUpdateMatchForDependentResources())
        .isFalse();
  }
}
