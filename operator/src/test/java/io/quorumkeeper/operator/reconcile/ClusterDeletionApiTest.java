package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.FakeQuorumClient;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A deleted cluster leaves nothing behind in the operator (ADR 009): no meters, no Admin client, no
 * polling; a cluster next to it goes on being observed.
 */
class ClusterDeletionApiTest {

  static final String ORDERS = NAMESPACE + "/orders";
  static final String PAYMENTS = NAMESPACE + "/payments";

  ApiHarness api;
  FakeQuorumClient fake;

  @BeforeEach
  void start() {
    api = ApiHarness.start();
    fake = api.quorum();
    fake.script(ORDERS, 3);
    fake.script(PAYMENTS, 3);
    api.create(Path.of("../examples/combined.yaml"));
    QuorumCluster payments = api.read(Path.of("../examples/combined.yaml"));
    payments.getMetadata().setName("payments");
    api.client().resource(payments).create();
  }

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenTwoObservedClusters_whenOneIsDeleted_thenItsStateGoesAndTheOtherIsStillObserved() {
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(leader("orders")).isZero();
              assertThat(leader("payments")).isZero();
              assertThat(meters("orders")).isNotEmpty();
              assertThat(meters("payments")).isNotEmpty();
            });

    api.client().resource(api.get("orders")).delete();

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              assertThat(meters("orders")).isEmpty();
              assertThat(fake.forgotten()).contains(ORDERS);
            });
    // A poll under way at the deletion may still end; after it, none starts.
    awaitPaymentsPolled(15);
    int ordersPolls = fake.describes(ORDERS);
    awaitPaymentsPolled(10);
    assertThat(fake.describes(ORDERS)).isEqualTo(ordersPolls);
    assertThat(meters("orders")).isEmpty();

    assertThat(fake.forgotten()).doesNotContain(PAYMENTS);
    assertThat(meters("payments")).isNotEmpty();
    fake.script(PAYMENTS, 3).leader(2, 2);
    await().ignoreExceptions().until(() -> leader("payments") == 2);
    assertThat(
            api.meters()
                .get("quorumkeeper.quorum.leader")
                .tags("namespace", NAMESPACE, "cluster", "payments")
                .gauge()
                .value())
        .isEqualTo(2.0);
  }

  @Test
  void givenPollUnderWay_whenClusterIsDeleted_thenWhatThePollLeavesBehindIsDroppedToo() {
    await().ignoreExceptions().until(() -> leader("orders") == 0);
    QuorumScript orders = fake.script(ORDERS, 3).slow(Duration.ofMillis(800));
    await().until(orders::answering);

    api.client().resource(api.get("orders")).delete();

    // The poll ends after the deletion was handled, records its duration and may reconnect.
    await().until(() -> !orders.answering());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(meters("orders")).isEmpty());
  }

  /**
   * A cluster deleted and created again under its name while a poll of the old one was under way
   * (`kubectl replace --force`, a GitOps re-create): the old poll's answer, a leader of the old
   * quorum, arrives after the new cluster exists. Taken for the new cluster's, it marked the new
   * cluster formed, and its controllers would then format as observers of a quorum that never
   * exists: no leader for ever. An observation counts only for the cluster it was made for.
   */
  @Test
  void givenPollUnderWay_whenClusterIsDeletedAndCreatedAgain_thenItsAnswerIsNotTheNewClusters() {
    await().ignoreExceptions().until(() -> api.get("orders").getStatus().getBootstrap().isFormed());
    QuorumScript orders = fake.script(ORDERS, 3).slow(Duration.ofSeconds(2));
    await().until(orders::answering);
    String oldUid = api.get("orders").getMetadata().getUid();

    api.client().resource(api.get("orders")).delete();
    await().until(() -> api.get("orders") == null);
    api.create(Path.of("../examples/combined.yaml"));
    assertThat(api.get("orders").getMetadata().getUid()).isNotEqualTo(oldUid);

    // the old poll ends with the old quorum's leader; the new cluster's quorum has none yet
    await().atMost(Duration.ofSeconds(10)).until(() -> !orders.answering());
    orders.noLeader(true);
    await()
        .during(Duration.ofSeconds(4))
        .atMost(Duration.ofSeconds(6))
        .until(
            () -> {
              QuorumCluster cr = api.get("orders");
              return cr.getStatus() == null
                  || cr.getStatus().getBootstrap() == null
                  || !cr.getStatus().getBootstrap().isFormed();
            });
  }

  private void awaitPaymentsPolled(int times) {
    int from = fake.describes(PAYMENTS);
    await().atMost(Duration.ofSeconds(10)).until(() -> fake.describes(PAYMENTS) >= from + times);
  }

  private Integer leader(String name) {
    return api.get(name).getStatus().getQuorum().getLeaderId();
  }

  /** Every meter of the operator tagged with this cluster. */
  private List<Meter> meters(String cluster) {
    return api.meters().getMeters().stream()
        .filter(m -> cluster.equals(m.getId().getTag("cluster")))
        .filter(m -> NAMESPACE.equals(m.getId().getTag("namespace")))
        .toList();
  }
}
