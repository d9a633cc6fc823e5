package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.local.bench.ProduceLoad;
import io.quorumkeeper.local.client.ClientConfig;
import java.time.Duration;

/**
 * The load of the day-2 scenarios (issue 12): {@link TopicCreations} (metadata, 2 replicas) and
 * {@link ProduceLoad} (data: an idempotent {@code acks=all} producer and a consumer on a topic with
 * replication factor 3 and {@code min.insync.replicas=2}) through the cluster's bootstrap Service.
 * At the end: no produce error, every acknowledged record read back from the beginning, every
 * acknowledged topic listed. Start it only once the cluster is Ready.
 */
final class LoadDriver implements AutoCloseable {

  private final TopicCreations creations;
  private final ProduceLoad load;

  private LoadDriver(TopicCreations creations, ProduceLoad load) {
    this.creations = creations;
    this.load = load;
  }

  /**
   * Starts both writers ({@code <prefix>-<n>} topics, records to {@code <prefix>-records}) and
   * returns once each has had an acknowledgement.
   */
  static LoadDriver start(ClientConfig client, String prefix) {
    TopicCreations creations = TopicCreations.start(client, prefix, (short) 2);
    LoadDriver driver = new LoadDriver(creations, ProduceLoad.start(client, prefix + "-records"));
    driver.awaitAcknowledgedRecordsMoreThan(0, Duration.ofSeconds(60));
    return driver;
  }

  /**
   * Applies {@code examples/<example>}, waits until it is Ready with {@code pods} pods, then starts
   * the load through its bootstrap Service.
   */
  static LoadDriver onReadyCluster(LocalRuntimeExtension local, String example, int pods) {
    String name =
        local.runtime().apply(CombinedE2ETest.example(example)).get(0).getMetadata().getName();
    local.awaitReady(name, pods);
    return start(local.clients(name), name + "-load");
  }

  /** Until more than {@code count} records have been acknowledged in total. */
  void awaitAcknowledgedRecordsMoreThan(int count, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(load.acknowledged().size())
                    .as("records acknowledged (errors: %s)", load.errors())
                    .isGreaterThan(count));
  }

  /** A little more of both kinds of writes than now: the cluster still takes them. */
  void awaitProgress(Duration atMost) {
    awaitAcknowledgedRecordsMoreThan(load.acknowledged().size(), atMost);
    creations.awaitAcknowledgedMoreThan(creations.acknowledged().size(), atMost);
  }

  Duration longestGap() {
    return load.longestGap();
  }

  /**
   * Stops both writers and asserts: no produce error (acks=all on rf 3 with {@code
   * min.insync.replicas=2} may be slowed by a restart, never refused), every acknowledged record
   * read back at its offset, the consumer read along, every acknowledged topic listed.
   */
  void stopAndAssertNothingLost() {
    load.close();
    assertThat(load.errors()).as("produce errors with acks=all").isEmpty();
    assertThat(load.unreadAcknowledged(Duration.ofSeconds(60)))
        .as("acknowledged records not read back (of %d)", load.acknowledged().size())
        .isEmpty();
    assertThat(load.consumed()).as("records the group consumer read along").isPositive();
    System.out.printf(
        "data check %s: %d records acknowledged, all read back, 0 errors, longest gap %d ms%n",
        load.topic(), load.acknowledged().size(), longestGap().toMillis());
    creations.stopAndAssertEveryAcknowledgedTopicExists();
  }

  @Override
  public void close() {
    load.close();
    creations.close();
  }
}
