package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.testing.ApiHarness;
import jakarta.inject.Inject;
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
    assertThat(operator.getConfigurationService().useSSAToPatchPrimaryResource()).isFalse();
    assertThat(operator.getConfigurationService().ssaBasedCreateUpdateMatchForDependentResources())
        .isFalse();
  }
}
