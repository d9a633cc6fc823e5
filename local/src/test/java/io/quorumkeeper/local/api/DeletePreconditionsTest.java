package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A delete with a UID precondition removes only that object, as a real API server does: the pod
 * re-created under the same name since the decision survives it (the operator's roll relies on this
 * to never restart a pod twice).
 */
class DeletePreconditionsTest {

  ApiServer api;
  KubernetesClient client;

  @BeforeEach
  void start() {
    api = ApiServer.start(0, Path.of("../crds/quorumclusters.quorumkeeper.io-v1.yml"));
    client = api.client();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenAPodReCreatedUnderTheSameName_whenTheOldUidIsDeleted_thenConflictAndTheNewOneStays()
      throws Exception {
    String oldUid = client.resource(pod()).create().getMetadata().getUid();
    client.pods().inNamespace("default").withName("orders-node-1").delete();
    String newUid = client.resource(pod()).create().getMetadata().getUid();
    assertThat(newUid).isNotEqualTo(oldUid);

    assertThat(deleteWithUid(oldUid)).isEqualTo(409);
    assertThat(current()).isNotNull();
    assertThat(current().getMetadata().getUid()).isEqualTo(newUid);

    assertThat(deleteWithUid(newUid)).isEqualTo(200);
    assertThat(current()).isNull();
  }

  private int deleteWithUid(String uid) throws Exception {
    DeleteOptions options = new DeleteOptions();
    options.setPreconditions(new Preconditions(null, uid));
    HttpRequest request =
        client
            .getHttpClient()
            .newHttpRequestBuilder()
            .uri(client.getMasterUrl() + "api/v1/namespaces/default/pods/orders-node-1")
            .delete("application/json", client.getKubernetesSerialization().asJson(options))
            .build();
    return client.getHttpClient().sendAsync(request, String.class).get(10, TimeUnit.SECONDS).code();
  }

  private Pod current() {
    return client.pods().inNamespace("default").withName("orders-node-1").get();
  }

  private static Pod pod() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("orders-node-1")
        .withNamespace("default")
        .endMetadata()
        .build();
  }
}
