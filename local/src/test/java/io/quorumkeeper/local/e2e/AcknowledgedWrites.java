package io.quorumkeeper.local.e2e;

import static org.awaitility.Awaitility.await;

import io.quorumkeeper.local.client.ClientConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The data check of a roll: a topic with replication factor 3 and {@code min.insync.replicas=2},
 * and one {@code acks=all} producer writing the numbers 0, 1, 2, ... one at a time through the
 * client bootstrap Service, remembering which writes Kafka acknowledged. A restart of one pod at a
 * time must lose none of them: {@link #readBack()} reads the topic from the start.
 */
final class AcknowledgedWrites implements AutoCloseable {

  private static final int PARTITIONS = 3;

  private final Supplier<ClientConfig> clients;
  private final String topic;
  private volatile KafkaProducer<String, String> producer;
  private final AtomicInteger restarts = new AtomicInteger();
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final AtomicInteger failures = new AtomicInteger();
  private final Thread thread;
  private volatile boolean stopping;
  private volatile String lastFailure = "";

  private AcknowledgedWrites(Supplier<ClientConfig> clients, String topic) {
    this.clients = clients;
    this.topic = topic;
    this.producer = producer(clients.get());
    this.thread = new Thread(this::writeUntilStopped, "acknowledged-writes-" + topic);
    this.thread.setDaemon(true);
  }

  /** Creates the topic, starts writing, and returns once the first write was acknowledged. */
  /**
   * @param clients how to connect, read again when the producer restarts (see {@link
   *     #writeUntilStopped})
   */
  static AcknowledgedWrites start(Supplier<ClientConfig> clients, String topic) throws Exception {
    try (Admin admin = Admin.create(clients.get().kafka())) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(topic, PARTITIONS, (short) 3)
                      .configs(Map.of("min.insync.replicas", "2"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    AcknowledgedWrites writes = new AcknowledgedWrites(clients, topic);
    writes.thread.start();
    await().atMost(Duration.ofSeconds(60)).until(() -> !writes.acknowledged.isEmpty());
    return writes;
  }

  private static KafkaProducer<String, String> producer(ClientConfig client) {
    return new KafkaProducer<>(
        with(
            client,
            Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000,
                ProducerConfig.LINGER_MS_CONFIG, 0)),
        new StringSerializer(),
        new StringSerializer());
  }

  /**
   * Writes one value at a time. A TLS handshake the brokers refuse (their certificates now come
   * from a CA this producer was not started with: a CA rotation's second phase) restarts the
   * producer with the user Secret's {@code ca.crt} as it is now, as a client pod restarted with its
   * mounted Secret would (docs/security.md, "Renewing the CA"). Such a refusal reaches the write as
   * an {@link SslAuthenticationException} only while the producer is still looking up the
   * partition's leader; once it knows the leader, the write expires with a {@link TimeoutException}
   * while every connection attempt is refused (a CI run of 2026-12-05 waited 60 s on that), so a
   * write that timed out restarts the producer too: a client restarted after a timeout is what a
   * real one would do, and what was acknowledged is kept whatever the producer. A restart that
   * fails (the Secret could not be read on a loaded machine) is tried again on the next write
   * rather than ending the writer, which would look like a cluster that stopped taking writes.
   */
  private void writeUntilStopped() {
    boolean restart = false;
    for (long n = 0; !stopping; n++) {
      String value = Long.toString(n);
      try {
        if (restart) {
          producer.close(Duration.ofSeconds(5));
          producer = producer(clients.get());
          restarts.incrementAndGet();
          restart = false;
        }
        producer.send(new ProducerRecord<>(topic, value, value)).get();
        acknowledged.add(value);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        failures.incrementAndGet();
        lastFailure = e.toString();
        restart |=
            causedBy(e, SslAuthenticationException.class)
                || causedBy(e, TimeoutException.class)
                || restartFailed(e);
      }
    }
  }

  /** The producer could not be made again: a {@code clients} read or a config it refused. */
  private static boolean restartFailed(Exception e) {
    return !(e instanceof java.util.concurrent.ExecutionException);
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  /** How many writes were acknowledged so far (no copy, for waits that poll it). */
  int count() {
    return acknowledged.size();
  }

  /**
   * Until more than {@code already} writes are acknowledged; fails with the {@link #summary()}, so
   * that a writer that stopped says why.
   */
  void awaitMoreThan(int already, Duration atMost) {
    await()
        .atMost(atMost)
        .untilAsserted(
            () ->
                org.assertj.core.api.Assertions.assertThat(count())
                    .as("acknowledged writes (%s)", summary())
                    .isGreaterThan(already));
  }

  String summary() {
    return acknowledged.size()
        + " acknowledged, "
        + failures.get()
        + " failed"
        + (restarts.get() == 0
            ? ""
            : ", producer restarted (new CA or a timed-out write) " + restarts.get() + "x")
        + (failures.get() == 0 ? "" : ", last: " + lastFailure);
  }

  /** Stops writing and waits for the writer to finish its last write. */
  void stop() throws InterruptedException {
    stopping = true;
    thread.join(Duration.ofSeconds(30).toMillis());
  }

  /**
   * The acknowledged values not found in the topic, read from the start until all are found or a
   * minute has passed: empty when nothing acknowledged was lost. A set difference, since a check of
   * "read contains every acknowledged" over 100,000 values is quadratic in AssertJ.
   */
  Set<String> missingOnReadBack() {
    Set<String> missing = new HashSet<>(acknowledged());
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            with(
                clients.get(),
                Map.of(
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    false)),
            new StringDeserializer(),
            new StringDeserializer())) {
      List<TopicPartition> partitions =
          java.util.stream.IntStream.range(0, PARTITIONS)
              .mapToObj(p -> new TopicPartition(topic, p))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!missing.isEmpty() && System.nanoTime() < end) {
        consumer.poll(Duration.ofMillis(500)).forEach(r -> missing.remove(r.value()));
      }
    }
    return missing;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
    producer.close(Duration.ofSeconds(5));
  }

  /** The client's connection settings with {@code settings} on top. */
  private static Map<String, Object> with(ClientConfig client, Map<String, Object> settings) {
    Map<String, Object> config = new HashMap<>(client.kafka());
    config.putAll(settings);
    return config;
  }
}
