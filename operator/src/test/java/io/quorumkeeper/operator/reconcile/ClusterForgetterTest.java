package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.event.EventRecorder;
import io.quorumkeeper.operator.observe.AgentTokens;
import io.quorumkeeper.operator.observe.QuorumMetrics;
import io.quorumkeeper.operator.status.StatusWriter;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ClusterForgetterTest {

  static final QuorumCluster ORDERS = cluster("orders", "uid-1");

  @Test
  void givenDeletedCluster_thenEveryHolderIsToldItsKeyAndUid() {
    List<ClusterForgetter.Gone> told = new CopyOnWriteArrayList<>();
    ClusterForgetter forgetter =
        new ClusterForgetter(
            List.of(
                new ClusterForgetter.Held("one", told::add),
                new ClusterForgetter.Held("two", told::add)));

    forgetter.accept(ORDERS);

    assertThat(told)
        .containsExactly(
            new ClusterForgetter.Gone("kafka/orders", "uid-1"),
            new ClusterForgetter.Gone("kafka/orders", "uid-1"));
  }

  @Test
  void givenOneHolderFails_thenTheOthersAreStillReleased() {
    List<String> released = new CopyOnWriteArrayList<>();
    ClusterForgetter forgetter =
        new ClusterForgetter(
            List.of(
                new ClusterForgetter.Held("first", gone -> released.add("first")),
                new ClusterForgetter.Held(
                    "broken",
                    gone -> {
                      throw new IllegalStateException("closing failed");
                    }),
                new ClusterForgetter.Held("last", gone -> released.add("last"))));

    forgetter.accept(ORDERS);

    assertThat(released).containsExactly("first", "last");
  }

  @Test
  void givenTheOperatorsHolders_thenTheDeletedClusterIsDroppedFromEachAndTheOtherKept() {
    FakeQuorumClient quorum = new FakeQuorumClient(Clock.systemUTC());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    QuorumMetrics metrics = new QuorumMetrics(registry);
    Map<String, Instant> leaderSeenAt = new ConcurrentHashMap<>();
    leaderSeenAt.put("kafka/orders", Instant.EPOCH);
    leaderSeenAt.put("kafka/payments", Instant.EPOCH);
    Map<String, Map<Integer, Instant>> certificatesSeen = new ConcurrentHashMap<>();
    certificatesSeen.put("kafka/orders", Map.of(0, Instant.EPOCH));
    certificatesSeen.put("kafka/payments", Map.of(0, Instant.EPOCH));
    metrics.update("kafka/orders", Optional.empty());
    metrics.update("kafka/payments", Optional.empty());

    ClusterForgetter.of(
            quorum,
            metrics,
            new AgentTokens(null),
            leaderSeenAt,
            certificatesSeen,
            new EventRecorder(null, Clock.systemUTC()),
            new ClientAccess(quorum, Clock.systemUTC()),
            new Finalization(quorum, Clock.systemUTC()),
            new StatusWriter(null),
            new Rolling(null),
            new Healing(new io.fabric8.kubernetes.client.KubernetesClientBuilder().build(), quorum))
        .accept(ORDERS);

    assertThat(quorum.forgotten()).containsExactly("kafka/orders");
    assertThat(leaderSeenAt).containsOnlyKeys("kafka/payments");
    assertThat(certificatesSeen).containsOnlyKeys("kafka/payments");
    assertThat(registry.getMeters())
        .extracting(m -> m.getId().getTag("cluster"))
        .containsOnly("payments");
  }

  static QuorumCluster cluster(String name, String uid) {
    QuorumCluster cr = new QuorumCluster();
    cr.setMetadata(
        new ObjectMetaBuilder().withNamespace("kafka").withName(name).withUid(uid).build());
    return cr;
  }
}
