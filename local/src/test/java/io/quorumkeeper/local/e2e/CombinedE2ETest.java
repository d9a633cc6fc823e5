package io.quorumkeeper.local.e2e;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.client.ClientConfig;
import io.quorumkeeper.local.kube.CpuWeights;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * examples/combined.yaml through the local runtime: three quorum-node processes, a quorum that
 * elects a leader, Ready; the same cluster after a restart of the runtime; and a delete that ends
 * every process. One runtime for the whole class, the cases in order.
 */
@TestMethodOrder(OrderAnnotation.class)
class CombinedE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("combined", "127.0.30");

  private static final List<String> PODS =
      List.of("orders-node-0", "orders-node-1", "orders-node-2");
  private static String clusterId;
  private static Map<Integer, String> directoryIds;

  @Test
  @Order(1)
  void givenCombinedExample_whenApplied_thenThreeProcessesRunTheQuorumFormsAndItBecomesReady() {
    local.runtime().apply(LocalRuntimeExtension.HOME.resolve("examples/combined.yaml"));

    local.awaitReady("orders", 3);

    assertThat(local.pods())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(PODS);
    assertThat(local.runtime().kubelet().pids()).hasSize(3);
    assertWeightedAsAKubeletWould();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              List<JsonNode> nodes = PODS.stream().map(p -> local.agentNode("orders", p)).toList();
              assertThat(nodes).allSatisfy(n -> assertThat(n.path("leaderId").isInt()).isTrue());
              assertThat(nodes.stream().map(n -> n.path("leaderId").asInt()).distinct()).hasSize(1);
            });
    clusterId =
        (String) QuorumClusters.at(local.cluster("orders"), "status.clusterId").orElseThrow();
    directoryIds = directoryIds();
    assertThat(directoryIds).hasSize(3);
    assertThat(local.agentNode("orders", "orders-node-0").path("clusterId").asText())
        .isEqualTo(clusterId);
  }

  /**
   * Where this machine lets the runtime write cgroups: each pod in its group weighted for the
   * example's one CPU, the operator in its own for its Deployment's 100m (CpuWeights).
   */
  private static void assertWeightedAsAKubeletWould() {
    CpuWeights weights = local.runtime().cpuWeights();
    if (!weights.modelled()) {
      assertThat(weights.describe()).contains("not modelled"); // and the rest of the case runs
      return;
    }
    Path group = CpuWeights.CPU_HIERARCHY.resolve("quorum-keeper-127.0.30");
    for (var c : local.runtime().kubelet().containers()) {
      String name = CpuWeights.podGroup("default", c.name());
      assertThat(CpuWeights.cpuGroupOf(c.snapshot().pid()))
          .as(c.name())
          .contains("/quorum-keeper-127.0.30/" + name);
      assertThat(group.resolve(name).resolve("cpu.shares"))
          .content()
          .isEqualToIgnoringWhitespace("1024");
    }
    assertThat(CpuWeights.cpuGroupOf(local.runtime().operatorPid()))
        .contains("/quorum-keeper-127.0.30/operator");
    assertThat(group.resolve("operator/cpu.shares")).content().isEqualToIgnoringWhitespace("102");
  }

  @Test
  @Order(2)
  void givenReadyCluster_whenRuntimeRestartedOnTheSameFolder_thenSameClusterIdAndDirectoryIds() {
    local.restart();

    local.awaitReady("orders", 3);

    assertThat(QuorumClusters.at(local.cluster("orders"), "status.clusterId")).contains(clusterId);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(directoryIds()).isEqualTo(directoryIds));
  }

  /**
   * ADR 015: the example declares no listeners, so it has {@code clients} on 9092 with TLS and
   * SCRAM-SHA-512; its user's Secret logs in, a wrong password and a client without credentials are
   * refused.
   */
  @Test
  @Order(3)
  void givenNoDeclaredListeners_thenClientsLogInWithTheUserSecret_andNoOneElse() throws Exception {
    ClientConfig user = local.clients("orders");
    assertThat(QuorumClusters.at(local.cluster("orders"), "status.bootstrap.clientAuthentication"))
        .contains("scram-sha-512");
    assertThat(user.properties()).containsEntry("security.protocol", "SASL_SSL");
    try (Admin admin = Admin.create(user.kafka())) {
      admin.createTopics(List.of(new NewTopic("logged-in", 1, (short) 3))).all().get(30, SECONDS);
      // The controller answers once the topic is committed; the broker that lists topics may
      // replay that record a moment later (Kafka's metadata reaches brokers asynchronously).
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(admin.listTopics().names().get(30, SECONDS)).contains("logged-in"));
    }

    ClientConfig wrong =
        user.with("sasl.jaas.config", ClientConfig.scramLogin("orders-clients-user", "not-it"));
    assertThat(listTopics(wrong))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SaslAuthenticationException.class);

    ClientConfig anonymous =
        user.with("security.protocol", "SSL")
            .with("sasl.mechanism", null)
            .with("sasl.jaas.config", null);
    assertThat(listTopics(anonymous)).as("a client without credentials").isNotNull();
  }

  /** What listing topics with {@code config} threw, or null if it listed them. */
  private static Throwable listTopics(ClientConfig config) {
    Map<String, Object> quick = new TreeMap<>(config.kafka());
    quick.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    quick.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(quick)) {
      admin.listTopics().names().get(30, SECONDS);
      return null;
    } catch (Exception refused) {
      return refused;
    }
  }

  /**
   * ADR 027: a valid cluster id that is not the cluster's, written into status by hand, is not
   * given to the pods; the agents' disks restore status, and a pod that restarts comes back on its
   * own disk instead of refusing it.
   */
  @Test
  @Order(4)
  @SuppressWarnings("unchecked")
  void givenStatusClusterIdEditedToAnotherCluster_thenRestoredAndARestartedPodKeepsItsDisk() {
    String wrong = org.apache.kafka.common.Uuid.randomUuid().toString();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var cr = local.cluster("orders");
              ((Map<String, Object>) cr.getAdditionalProperties().get("status"))
                  .put("clusterId", wrong);
              QuorumClusters.of(local.client()).inNamespace("default").resource(cr).updateStatus();
            });

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(QuorumClusters.at(local.cluster("orders"), "status.clusterId"))
                    .contains(clusterId));
    assertThat(local.events("orders", "IdentityRestored"))
        .anySatisfy(e -> assertThat(e.getMessage()).contains(wrong));
    assertThat(
            local
                .client()
                .configMaps()
                .inNamespace("default")
                .withName("orders-node-bootstrap")
                .get()
                .getData()
                .get("bootstrap.properties"))
        .contains("cluster.id=" + clusterId)
        .doesNotContain(wrong);

    String before =
        local
            .client()
            .pods()
            .inNamespace("default")
            .withName("orders-node-1")
            .get()
            .getMetadata()
            .getUid();
    local.client().pods().inNamespace("default").withName("orders-node-1").delete();
    await()
        .atMost(LocalRuntimeExtension.READY_TIMEOUT)
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              var pod =
                  local.client().pods().inNamespace("default").withName("orders-node-1").get();
              assertThat(pod.getMetadata().getUid()).isNotEqualTo(before);
              JsonNode node = local.agentNode("orders", "orders-node-1");
              assertThat(node.path("raftState").asText()).isIn("follower", "leader");
              assertThat(node.path("directoryId").asText()).isEqualTo(directoryIds.get(1));
              assertThat(node.path("clusterId").asText()).isEqualTo(clusterId);
            });
    local.awaitReady("orders", 3);
  }

  @Test
  @Order(5)
  void givenReadyCluster_whenDeleted_thenEveryProcessEndsAndOwnedObjectsAreGone() {
    List<Long> pids = local.runtime().kubelet().pids();

    assertThat(local.runtime().delete("default", "orders")).isTrue();

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(local.runtime().kubelet().pids()).isEmpty();
              assertThat(pids)
                  .allSatisfy(
                      pid ->
                          assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive))
                              .isNotEqualTo(java.util.Optional.of(true)));
              assertThat(owned()).isEmpty();
            });
    // deleteClaim: false (the default) keeps the data, as the StatefulSet's retention policy says
    assertThat(local.client().persistentVolumeClaims().inNamespace("default").list().getItems())
        .hasSize(3);
  }

  private static List<HasMetadata> owned() {
    var c = local.client();
    List<HasMetadata> all = new java.util.ArrayList<>();
    all.addAll(c.apps().statefulSets().inNamespace("default").list().getItems());
    all.addAll(c.pods().inNamespace("default").list().getItems());
    all.addAll(c.services().inNamespace("default").list().getItems());
    all.addAll(c.configMaps().inNamespace("default").list().getItems());
    all.addAll(c.secrets().inNamespace("default").list().getItems());
    all.addAll(c.policy().v1().podDisruptionBudget().inNamespace("default").list().getItems());
    return all;
  }

  private static Map<Integer, String> directoryIds() {
    Map<Integer, String> ids = new TreeMap<>();
    for (String pod : PODS) {
      JsonNode node = local.agentNode("orders", pod);
      ids.put(node.path("nodeId").asInt(), node.path("directoryId").asText());
    }
    return ids;
  }

  static Path example(String name) {
    return LocalRuntimeExtension.HOME.resolve("examples").resolve(name);
  }
}
