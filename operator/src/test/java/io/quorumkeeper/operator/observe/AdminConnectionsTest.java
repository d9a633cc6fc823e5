package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * When a failed call replaces the cluster's Admin client: always once it had answered (stale
 * metadata), only after a while when it never had (it is still trying its bootstrap list). The
 * clients are real; nothing listens on the port, so none ever connects.
 */
class AdminConnectionsTest {

  private static final String CLUSTER = "ns/c";
  private static final String NOTHING_LISTENS = "127.0.0.1:1";

  private final AtomicLong now = new AtomicLong();
  private final AdminConnections connections =
      new AdminConnections(
          AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG,
          "test-",
          Duration.ofSeconds(1),
          ClusterTrust.plaintext(),
          now::get);

  @AfterEach
  void close() {
    connections.close();
  }

  @Test
  void givenNoBootstrapNameResolves_thenNoClientIsBuiltAndTheCallFailsAsKafkasWould() {
    java.util.concurrent.atomic.AtomicInteger built =
        new java.util.concurrent.atomic.AtomicInteger();
    AdminConnections counted =
        new AdminConnections(
            AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG,
            "test-",
            Duration.ofSeconds(1),
            ClusterTrust.plaintext(),
            now::get,
            config -> {
              built.incrementAndGet();
              return Admin.create(config);
            });
    try {
      assertThatThrownBy(
              () ->
                  counted.admin(
                      CLUSTER,
                      "orders-node-0.orders-node.nowhere.invalid:9093,"
                          + "orders-node-1.orders-node.nowhere.invalid:9093"))
          .isInstanceOf(KafkaException.class)
          .hasMessageContaining("resolvable");
      assertThat(built).as("no client built while no name resolves").hasValue(0);

      counted.admin(CLUSTER, "orders-node-0.orders-node.nowhere.invalid:9093," + NOTHING_LISTENS);
      assertThat(built).as("one name resolves: the client is built").hasValue(1);
    } finally {
      counted.close();
    }
  }

  @Test
  void aClientThatNeverAnsweredIsKeptThroughFailuresUntilItHasBeenUnprovenForAWhile() {
    Admin first = connections.admin(CLUSTER, NOTHING_LISTENS);
    connections.failed(CLUSTER);
    now.addAndGet(AdminConnections.UNPROVEN_FOR.toNanos() - 1);
    connections.failed(CLUSTER);
    assertThat(connections.admin(CLUSTER, NOTHING_LISTENS)).isSameAs(first);

    now.addAndGet(1);
    connections.failed(CLUSTER);
    assertThat(connections.admin(CLUSTER, NOTHING_LISTENS)).isNotSameAs(first);
  }

  @Test
  void aClientThatHadAnsweredIsReplacedAtItsFirstFailure() {
    Admin first = connections.admin(CLUSTER, NOTHING_LISTENS);
    connections.answered(CLUSTER);
    connections.failed(CLUSTER);
    assertThat(connections.admin(CLUSTER, NOTHING_LISTENS)).isNotSameAs(first);
  }

  @Test
  void anotherBootstrapListReplacesTheClientWhateverItsHistory() {
    Admin first = connections.admin(CLUSTER, NOTHING_LISTENS);
    assertThat(connections.admin(CLUSTER, "127.0.0.2:1")).isNotSameAs(first);
  }
}
