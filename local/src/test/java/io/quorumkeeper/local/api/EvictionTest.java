package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local API answers the eviction subresource against the pod's PodDisruptionBudget, as a real
 * API server does and Fabric8's mock does not (its discovery entry, which {@code kubectl drain}
 * looks for: {@link KubectlEndpointTest}).
 */
class EvictionTest {

  ApiServer api;
  KubernetesClient client;

  @BeforeEach
  void start() {
    api = ApiServer.start(0, Path.of("../crds/quorumclusters.quorumkeeper.io-v1.yml"));
    // without Fabric8's retries, which would send a refused eviction again for seconds
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(api.client().getConfiguration())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    api.close();
  }

  @Test
  void givenABudgetOfOneDisruption_whenTwoPodsAreEvicted_thenTheSecondIsRefusedAndStays() {
    StatefulSet set =
        client
            .resource(
                new StatefulSetBuilder()
                    .withNewMetadata()
                    .withName("demo")
                    .withNamespace("default")
                    .endMetadata()
                    .withNewSpec()
                    .withReplicas(3)
                    .endSpec()
                    .build())
            .create();
    for (int i = 0; i < 3; i++) {
      client.resource(readyPod("demo-" + i, set)).create();
    }
    client
        .resource(
            new PodDisruptionBudgetBuilder()
                .withNewMetadata()
                .withName("demo")
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .withMaxUnavailable(new IntOrString(1))
                .withNewSelector()
                .withMatchLabels(Map.of("app", "demo"))
                .endSelector()
                .endSpec()
                .build())
        .create();

    boolean first = client.pods().inNamespace("default").withName("demo-0").evict();
    boolean second = client.pods().inNamespace("default").withName("demo-1").evict();

    assertThat(first).isTrue();
    assertThat(second).isFalse();
    assertThat(client.pods().inNamespace("default").list().getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("demo-1", "demo-2");
  }

  private static Pod readyPod(String name, StatefulSet owner) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .addToLabels("app", "demo")
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("StatefulSet")
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }
}
