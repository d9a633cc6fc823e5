package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The embedded API's watch lifetime: an informer that missed an event is put right by a re-list.
 */
class ApiServerTest {

  ApiServer api;
  KubernetesClient informerClient;

  @BeforeEach
  void start() {
    api = ApiServer.start(0, Path.of("../crds/quorumclusters.quorumkeeper.io-v1.yml"));
    informerClient = api.newClient("test-informer");
  }

  @AfterEach
  void stop() {
    informerClient.close();
    api.close();
  }

  @Test
  void givenAWatchThatMissedADeletion_whenWatchesEnd_thenTheInformerListsAgainAndDropsTheObject()
      throws Exception {
    api.client().resource(configMap("kept")).create();
    api.client().resource(configMap("gone")).create();
    SharedIndexInformer<ConfigMap> informer =
        informerClient.configMaps().inNamespace("default").inform();
    await().until(() -> informer.getStore().list().size() == 2);

    // A silent watch, as the mock can leave one after a burst of writes: the deletion is not sent.
    Set<Object> listeners = listeners();
    List<Object> silenced = List.copyOf(listeners);
    listeners.clear();
    api.client().configMaps().inNamespace("default").withName("gone").delete();
    listeners.addAll(silenced);
    assertThat(informer.getStore().getByKey("default/gone")).isNotNull();

    api.endWatches();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(informer.getStore().list())
                    .extracting(c -> c.getMetadata().getName())
                    .containsExactly("kept"));
  }

  @SuppressWarnings("unchecked")
  private Set<Object> listeners() throws ReflectiveOperationException {
    Field dispatcher = ApiServer.class.getDeclaredField("dispatcher");
    dispatcher.setAccessible(true);
    Field field = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
    field.setAccessible(true);
    return (Set<Object>) field.get(dispatcher.get(api));
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .endMetadata()
        .addToData("k", "v")
        .build();
  }
}
