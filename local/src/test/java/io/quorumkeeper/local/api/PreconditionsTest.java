package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Preconditions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The local API honours the preconditions a real API server does and Fabric8's mock ignores. A
 * delete with a UID precondition removes only that object: the pod re-created under the same name
 * since the decision survives it (the operator's roll relies on this to never restart a pod twice).
 * A status replace naming an older resourceVersion is refused with 409: the operator's status write
 * is guarded this way, so a pass planned on a stale copy of the cluster never overwrites a newer
 * record (a voter change, a restart) nor acts on its plan.
 */
class PreconditionsTest {

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

  @Test
  void givenAStatusWrittenSince_whenAnOlderVersionWritesStatus_thenConflictAndTheNewerOneStays()
      throws IOException {
    GenericKubernetesResource created;
    try (FileInputStream in = new FileInputStream("../examples/combined.yaml")) {
      created =
          QuorumClusters.of(client)
              .resource(
                  client
                      .getKubernetesSerialization()
                      .unmarshal(in, GenericKubernetesResource.class))
              .create();
    }
    GenericKubernetesResource written =
        QuorumClusters.of(client).resource(withLeader(created, 1)).updateStatus();
    assertThat(written.getMetadata().getResourceVersion())
        .isNotEqualTo(created.getMetadata().getResourceVersion());

    KubernetesClientException refused =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> QuorumClusters.of(client).resource(withLeader(created, 2)).updateStatus());

    assertThat(refused).as("the stale write is refused").isNotNull();
    assertThat(refused.getCode()).isEqualTo(409);
    assertThat(leader()).isEqualTo(1);
    QuorumClusters.of(client).resource(withLeader(written, 3)).updateStatus();
    assertThat(leader()).isEqualTo(3);
  }

  private Object leader() {
    return QuorumClusters.at(
            QuorumClusters.of(client).withName("orders").get(), "status.quorum.leaderId")
        .orElse(null);
  }

  /** A copy of {@code cr} (its resourceVersion) whose status names {@code leaderId}. */
  private GenericKubernetesResource withLeader(GenericKubernetesResource cr, int leaderId) {
    GenericKubernetesResource copy = client.getKubernetesSerialization().clone(cr);
    copy.getAdditionalProperties().put("status", Map.of("quorum", Map.of("leaderId", leaderId)));
    return copy;
  }
}
