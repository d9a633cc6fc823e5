package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.quorumkeeper.operator.model.NetworkPolicyModel;
import io.quorumkeeper.operator.testing.ApiHarness;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cluster's NetworkPolicy is kept as the model renders it: a rule someone opened up or removed
 * is put back whole, the operator's peer in every namespace included.
 */
class NetworkPolicyApiTest {

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
  void givenAUserOpensTheControllerPort_thenThePolicyIsRestoredWhole() {
    api.create(Path.of("../examples/combined.yaml"));
    await().until(() -> policy() != null);
    NetworkPolicy rendered = policy();

    api.client()
        .resource(policy())
        .edit(
            p -> {
              p.getSpec().getIngress().get(0).setFrom(java.util.List.of()); // 9093 from anywhere
              p.getSpec().getIngress().remove(1);
              return p;
            });

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(policy().getSpec()).isEqualTo(rendered.getSpec()));
    assertThat(policy().getSpec().getIngress().get(1).getFrom())
        .as("the agent rule admits the operator from its own namespace, not only the cluster's")
        .anySatisfy(peer -> assertThat(peer.getNamespaceSelector()).isNotNull());
  }

  private NetworkPolicy policy() {
    return api.client()
        .network()
        .networkPolicies()
        .inNamespace(NAMESPACE)
        .withName(NetworkPolicyModel.name("orders"))
        .get();
  }
}
