package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged app as the namespace-scoped install runs it: {@code quorumkeeper.watch-namespaces}
 * (QUORUMKEEPER_WATCH_NAMESPACES in deploy/namespaced/) becomes the namespaces QOSDK's controller,
 * and so every informer it owns, watches.
 */
@QuarkusTest
@TestProfile(WatchNamespacesAppApiTest.Watching.class)
@WithKubernetesTestServer(crud = true)
class WatchNamespacesAppApiTest {

  /** The setting as deploy/namespaced/watch-namespaces.yaml gives it, for two namespaces. */
  public static class Watching implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quorumkeeper.watch-namespaces", "kafka,apps");
    }
  }

  @Inject Operator operator;

  @Test
  void givenWatchNamespaces_thenTheControllerWatchesExactlyThem() {
    assertThat(
            operator
                .getRegisteredController(QuorumClusterReconciler.NAME)
                .orElseThrow()
                .getConfiguration()
                .getEffectiveNamespaces())
        .containsExactlyInAnyOrder("kafka", "apps");
  }
}
