package io.quorumkeeper.local.bench;

import io.quorumkeeper.local.client.ClientConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produce/consume load on one topic with replication factor 3 and {@code min.insync.replicas=2}: an
 * idempotent producer with {@code acks=all} sends one record every {@link #PACE} without waiting
 * for the previous one, and remembers every acknowledged record (key, partition, offset), every
 * error its callback got, and the longest time between two consecutive acknowledgements; a consumer
 * in a group reads along. {@link #unreadAcknowledged} reads the topic from the beginning and names
 * every acknowledged record that is not there. Used by the roll benchmark and the E2E tests of
 * rolling restarts.
 */
public final class ProduceLoad implements AutoCloseable {

  /** Between two sends: about 50 records a second, fine enough to see a gap of 100 ms. */
  public static final Duration PACE = Duration.ofMillis(20);

  private static final int PARTITIONS = 3;

  /** An acknowledged record: where Kafka said it wrote it. */
  public record Acked(String key, int partition, long offset) {}

  private final ClientConfig client;
  private final String topic;
  private final Admin admin;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;
  private final Thread sender;
  private final Thread reader;
  private final List<Acked> acknowledged = new ArrayList<>();
  private final List<String> errors = new ArrayList<>();
  private final AtomicLong consumed = new AtomicLong();
  private long lastAckNanos = -1;
  private long longestGapNanos;
  private volatile boolean stopping;

  private ProduceLoad(ClientConfig client, String topic, Admin admin) {
    this.client = client;
    this.topic = topic;
    this.admin = admin;
    this.producer = new KafkaProducer<>(producerConfig(client));
    this.consumer = new KafkaConsumer<>(consumerConfig(client, topic + "-readers"));
    this.sender = daemon(this::sendUntilStopped, "produce-" + topic);
    this.reader = daemon(this::consumeUntilStopped, "consume-" + topic);
  }

  /**
   * Creates {@code topic} (replication factor 3, {@code min.insync.replicas=2}) through {@code
   * client} and starts producing and consuming; returns at once.
   */
  public static ProduceLoad start(ClientConfig client, String topic) {
    // One Admin client for the load's life: the topic, the wait below and every later check.
    Admin admin = Admin.create(adminConfig(client));
    try {
      createTopic(admin, topic);
      // A topic the controllers just committed is led and replicated a moment later, and each
      // broker learns of it on its own. An idempotent producer whose first batches met
      // NOT_LEADER_OR_FOLLOWER there looped on OUT_OF_ORDER_SEQUENCE_NUMBER for the rest of a test
      // (SeparatedRollE2ETest, on a cluster Ready a moment earlier since ADR 020): the load starts
      // on a settled topic.
      BenchSupport.waitFor(
          () -> fullyReplicated(admin, topic),
          "every partition of " + topic + " led with all its replicas in sync",
          Duration.ofSeconds(30));
      ProduceLoad load = new ProduceLoad(client, topic, admin);
      load.sender.start();
      load.reader.start();
      return load;
    } catch (RuntimeException e) {
      admin.close(Duration.ofSeconds(5));
      throw e;
    }
  }

  /** Admin settings of the load and the checks: short timeouts, quick retries. */
  public static Map<String, Object> adminConfig(ClientConfig client) {
    Map<String, Object> config = new HashMap<>(client.kafka());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
    config.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 200);
    return config;
  }

  private static void createTopic(Admin admin, String topic) {
    NewTopic newTopic =
        new NewTopic(topic, PARTITIONS, (short) 3).configs(Map.of("min.insync.replicas", "2"));
    try {
      admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new KafkaException("cannot create " + topic + ": " + e.getCause(), e.getCause());
      }
    } catch (TimeoutException e) {
      throw new KafkaException("cannot create " + topic + " within 30 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted", e);
    }
  }

  private static Properties producerConfig(ClientConfig client) {
    Properties p = new Properties();
    p.putAll(client.kafka());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  private static Properties consumerConfig(ClientConfig client, String group) {
    Properties p = new Properties();
    p.putAll(client.kafka());
    if (group != null) {
      p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    }
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, group != null);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }

  private static Thread daemon(Runnable body, String name) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private void sendUntilStopped() {
    for (long i = 0; !stopping; i++) {
      String key = "k-" + i;
      try {
        producer.send(new ProducerRecord<>(topic, key, "v-" + i), (m, e) -> acked(key, m, e));
        Thread.sleep(PACE.toMillis()); // the producer's pace, not a wait for a condition
      } catch (InterruptedException | InterruptException e) {
        return;
      } catch (KafkaException e) {
        error(key + ": " + e); // send() itself refused (buffer full, closed)
      }
    }
  }

  private void consumeUntilStopped() {
    try {
      consumer.subscribe(List.of(topic));
      while (!stopping) {
        consumed.addAndGet(consumer.poll(Duration.ofMillis(200)).count());
      }
    } catch (WakeupException e) {
      // stopping
    } catch (KafkaException e) {
      error("consumer: " + e);
    }
  }

  private synchronized void acked(String key, RecordMetadata metadata, Exception e) {
    if (e != null) {
      errors.add(key + ": " + e);
      return;
    }
    long now = System.nanoTime();
    if (lastAckNanos >= 0) {
      longestGapNanos = Math.max(longestGapNanos, now - lastAckNanos);
    }
    lastAckNanos = now;
    acknowledged.add(new Acked(key, metadata.partition(), metadata.offset()));
  }

  private synchronized void error(String what) {
    errors.add(what);
  }

  public String topic() {
    return topic;
  }

  public synchronized List<Acked> acknowledged() {
    return List.copyOf(acknowledged);
  }

  /** Every error a send's callback got (or {@code send} threw), oldest first. */
  public synchronized List<String> errors() {
    return List.copyOf(errors);
  }

  /** The longest time between two consecutive acknowledgements so far. */
  public synchronized Duration longestGap() {
    return Duration.ofNanos(longestGapNanos);
  }

  /** Records the group consumer has read so far. */
  public long consumed() {
    return consumed.get();
  }

  /** Forgets the longest gap so far: a measurement starts here. */
  public synchronized void resetLongestGap() {
    longestGapNanos = 0;
    lastAckNanos = -1;
  }

  /** Whether every partition of the topic has all its replicas in sync. */
  public boolean fullyReplicated() throws Exception {
    return fullyReplicated(admin, topic);
  }

  /** Whether every partition of {@code topic} has a leader and all its replicas in sync. */
  private static boolean fullyReplicated(Admin admin, String topic) throws Exception {
    TopicDescription d =
        admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
    return d.partitions().stream()
        .allMatch(
            p ->
                p.leader() != null
                    && !p.leader().isEmpty()
                    && p.isr().size() == p.replicas().size());
  }

  /**
   * Reads the topic from the beginning with a fresh consumer and returns the acknowledged records
   * it does not find at their offset with their key; empty when every one was read back.
   */
  public List<Acked> unreadAcknowledged(Duration atMost) {
    List<Acked> expected = acknowledged();
    Map<TopicPartition, Map<Long, String>> read = readAll(atMost);
    return expected.stream()
        .filter(
            a ->
                !a.key()
                    .equals(
                        read.getOrDefault(new TopicPartition(topic, a.partition()), Map.of())
                            .get(a.offset())))
        .toList();
  }

  private Map<TopicPartition, Map<Long, String>> readAll(Duration atMost) {
    Map<TopicPartition, Map<Long, String>> read = new HashMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerConfig(client, null))) {
      List<TopicPartition> partitions =
          c.partitionsFor(topic, atMost).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .collect(Collectors.toList());
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = c.endOffsets(partitions, atMost);
      long deadline = System.nanoTime() + atMost.toNanos();
      while (System.nanoTime() < deadline
          && partitions.stream().anyMatch(tp -> c.position(tp, atMost) < end.get(tp))) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
          read.computeIfAbsent(new TopicPartition(topic, r.partition()), k -> new HashMap<>())
              .put(r.offset(), r.key());
        }
      }
    }
    return read;
  }

  /** Stops sending (waiting for what is in flight) and consuming; idempotent. */
  @Override
  public void close() {
    if (stopping) {
      return;
    }
    stopping = true;
    join(sender); // it stops within one PACE
    producer.close(Duration.ofSeconds(30)); // flushes: every record sent gets its answer
    consumer.wakeup();
    join(reader);
    consumer.close(Duration.ofSeconds(5));
    admin.close(Duration.ofSeconds(5));
  }

  private static void join(Thread t) {
    try {
      t.join(TimeUnit.SECONDS.toMillis(20));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
