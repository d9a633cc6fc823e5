package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.local.bench.ProduceLoad;
import io.quorumkeeper.local.client.ClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The metadata check of the healing scenarios: a background writer creates one topic about every
 * 200 ms through the cluster's client bootstrap Service while a fault happens, and remembers which
 * creations Kafka acknowledged. A topic is metadata the controller quorum committed, so once the
 * quorum has healed every acknowledged topic must still be listed: a heal that lost committed
 * records (say, a voter trusted with a blank disk) would show here.
 *
 * <p>Topics have one partition and, unless asked otherwise, one replica, so a creation needs only
 * one live broker and the writer keeps going while nodes are down; what is checked is the metadata,
 * not the data.
 */
final class TopicCreations implements AutoCloseable {

  private static final Duration PAUSE = Duration.ofMillis(200);

  private final Admin admin;
  private final String prefix;
  private final Thread thread;
  private final List<String> acknowledged = new ArrayList<>();
  private final AtomicInteger attempts = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final ClientConfig client;
  private final short replicationFactor;
  private volatile boolean stopping;
  private volatile String lastFailure = "";

  private TopicCreations(ClientConfig client, String prefix, short replicationFactor) {
    this.client = client;
    this.prefix = prefix;
    this.replicationFactor = replicationFactor;
    this.admin = Admin.create(adminConfig(client));
    this.thread = new Thread(this::createUntilStopped, "topic-creations-" + prefix);
    this.thread.setDaemon(true);
  }

  /**
   * Starts creating topics {@code <prefix>-0}, {@code <prefix>-1}, ... through {@code client} and
   * returns once the first creation was acknowledged, so the cluster takes writes before the fault.
   */
  static TopicCreations start(ClientConfig client, String prefix) {
    return start(client, prefix, (short) 1);
  }

  /**
   * The same with {@code replicationFactor} replicas per topic. A roll never restarts the only
   * replica of a partition (it would drop below {@code min.insync.replicas}), so writers during a
   * roll use 2.
   */
  static TopicCreations start(ClientConfig client, String prefix, short replicationFactor) {
    TopicCreations creations = new TopicCreations(client, prefix, replicationFactor);
    creations.thread.start();
    creations.awaitAcknowledgedMoreThan(0, Duration.ofSeconds(60));
    return creations;
  }

  private static Map<String, Object> adminConfig(ClientConfig client) {
    return ProduceLoad.adminConfig(client);
  }

  private void createUntilStopped() {
    for (int i = 0; !stopping; i++) {
      String topic = prefix + "-" + i;
      attempts.incrementAndGet();
      try {
        admin
            .createTopics(
                List.of(new NewTopic(topic, 1, replicationFactor)),
                new CreateTopicsOptions().timeoutMs(5000))
            .all()
            .get(15, TimeUnit.SECONDS);
        acknowledge(topic);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          acknowledge(topic); // an internal retry found its own earlier attempt committed
        } else {
          fail(e.getCause());
        }
      } catch (TimeoutException e) {
        fail(e);
      } catch (InterruptedException e) {
        return;
      }
      try {
        Thread.sleep(PAUSE.toMillis()); // the writer's pace, not a wait for a condition
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private synchronized void acknowledge(String topic) {
    acknowledged.add(topic);
  }

  private void fail(Throwable cause) {
    failures.incrementAndGet();
    lastFailure = String.valueOf(cause);
  }

  synchronized List<String> acknowledged() {
    return List.copyOf(acknowledged);
  }

  int failures() {
    return failures.get();
  }

  /** Until more than {@code count} creations have been acknowledged in total. */
  void awaitAcknowledgedMoreThan(int count, Duration atMost) {
    await()
        .atMost(atMost)
        .pollInterval(Duration.ofMillis(200))
        .failFast(() -> !thread.isAlive() && !stopping)
        .untilAsserted(
            () ->
                assertThat(acknowledged().size())
                    .as(
                        "topics acknowledged by %s (last failure: %s)",
                        client.bootstrap(), lastFailure)
                    .isGreaterThan(count));
  }

  /**
   * Stops the writer, then asserts that every acknowledged topic is listed by the cluster (brokers
   * answer listTopics from their metadata cache, which may need a moment after a heal).
   */
  void stopAndAssertEveryAcknowledgedTopicExists() {
    close();
    List<String> expected = acknowledged();
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(1))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              try (Admin lister = Admin.create(adminConfig(client))) {
                Set<String> listed =
                    lister.listTopics(new ListTopicsOptions().timeoutMs(10000)).names().get();
                assertThat(listed)
                    .as("%d acknowledged topics, %d failed attempts", expected.size(), failures())
                    .containsAll(expected);
              }
            });
    System.out.printf(
        "metadata check %s: %d of %d creations acknowledged, all %d still listed%n",
        prefix, expected.size(), attempts.get(), expected.size());
  }

  /** Stops the writer and closes its client; idempotent. */
  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    thread.interrupt();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(20));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(Duration.ofSeconds(5));
  }
}
