package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.client.ClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * examples/separated.yaml through the local runtime: three controllers and three brokers, a
 * produce/consume round trip through the bootstrap Service's name, brokers scaled 3 → 4 → 3 (the
 * fourth cordoned, and kept while it holds a replica) → 4 (its cordon lifted), and a delete. One
 * runtime for the class, the cases in order.
 */
@TestMethodOrder(OrderAnnotation.class)
class SeparatedE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("separated", "127.0.31");

  @Test
  @Order(1)
  void givenSeparatedExample_whenApplied_thenControllersAndBrokersRunAndClientsRoundTrip()
      throws Exception {
    local.runtime().apply(CombinedE2ETest.example("separated.yaml"));

    local.awaitReady("payments", 6);

    assertThat(local.pods())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "payments-controller-0",
            "payments-controller-1",
            "payments-controller-2",
            "payments-broker-0",
            "payments-broker-1",
            "payments-broker-2");
    assertThat(local.runtime().kubelet().pids()).hasSize(6);
    String topic = "e2e-" + UUID.randomUUID();
    try (Admin admin = Admin.create(local.clients("payments").kafka())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get();
    }
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
      producer.send(new ProducerRecord<>(topic, "order-1", "paid")).get();
    }
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig())) {
      consumer.subscribe(List.of(topic));
      List<ConsumerRecord<String, String>> received = new java.util.ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
                return !received.isEmpty();
              });
      assertThat(received.get(0).key()).isEqualTo("order-1");
      assertThat(received.get(0).value()).isEqualTo("paid");
    }
  }

  @Test
  @Order(2)
  void givenThreeBrokers_whenScaledToFourAndBack_thenTheFourthBrokerGoesOnceItHoldsNoReplica() {
    scaleBrokers(4);
    await()
        .atMost(LocalRuntimeExtension.READY_TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(brokers().getStatus().getReadyReplicas()).isEqualTo(4);
              assertThat(local.runtime().kubelet().pids()).hasSize(7);
              assertThat(QuorumClusters.condition(local.cluster("payments"), "Ready").orElse(null))
                  .isEqualTo("True");
              assertThat(local.pods())
                  .allSatisfy(
                      p -> assertThat(io.quorumkeeper.local.kube.Kubelet.isReady(p)).isTrue());
            });

    // a topic whose only replica is on the fourth broker keeps its pod (BrokerScaleDown)
    String pinned = "pinned-" + UUID.randomUUID();
    try (Admin admin = Admin.create(local.clients("payments").kafka())) {
      admin
          .createTopics(List.of(new NewTopic(pinned, Map.of(0, List.of(103)))))
          .all()
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("creating " + pinned, e);
    }
    // Kafka's brokers learn of a created topic shortly after the call returns; the operator reads
    // through any of them, so each must know it before the scale-down is asked for
    Map<String, Object> client = local.clients("payments").kafka();
    String port = String.valueOf(client.get("bootstrap.servers")).replaceAll(".*:", "");
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (int ordinal = 0; ordinal < 4; ordinal++) {
                Map<String, Object> one = new java.util.HashMap<>(client);
                one.put(
                    "bootstrap.servers",
                    "payments-broker-" + ordinal + ".payments-broker.default.svc:" + port);
                try (Admin admin = Admin.create(one)) {
                  assertThat(
                          admin
                              .describeTopics(List.of(pinned))
                              .allTopicNames()
                              .get(10, java.util.concurrent.TimeUnit.SECONDS)
                              .get(pinned)
                              .partitions()
                              .get(0)
                              .replicas())
                      .extracting(n -> n.id())
                      .containsExactly(103);
                }
              }
            });
    scaleBrokers(3);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        QuorumClusters.at(local.cluster("payments"), "status.conditions")
                            .map(Object::toString)
                            .orElse(""))
                    .contains("ScaleDownBlocked")
                    .contains("broker 103 still holds replicas of 1 partition (" + pinned + "-0)"));
    assertThat(brokers().getSpec().getReplicas()).isEqualTo(4);
    // broker 103 was cordoned before its partitions were read (KIP-1066): a topic created now,
    // with no assignment of its own, gets no replica there (round robin over four brokers would
    // put two of its eight partitions on it)
    String spread = "spread-" + UUID.randomUUID();
    try (Admin admin = Admin.create(local.clients("payments").kafka())) {
      admin
          .createTopics(List.of(new NewTopic(spread, 8, (short) 1)))
          .all()
          .get(60, java.util.concurrent.TimeUnit.SECONDS);
      // a broker that has not applied the new topic's records yet answers "does not host this
      // topic-partition": asked again until the one asked knows it
      var partitions =
          await("topic " + spread + " described")
              .atMost(Duration.ofSeconds(60))
              .ignoreExceptions()
              .until(
                  () ->
                      admin
                          .describeTopics(List.of(spread))
                          .allTopicNames()
                          .get(10, java.util.concurrent.TimeUnit.SECONDS)
                          .get(spread)
                          .partitions(),
                  p -> p.size() == 8);
      assertThat(partitions)
          .allSatisfy(p -> assertThat(p.replicas()).extracting(n -> n.id()).doesNotContain(103));
      admin.deleteTopics(List.of(pinned)).all().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("creating " + spread + " or deleting " + pinned, e);
    }
    assertThat(QuorumClusters.at(local.cluster("payments"), "status.brokerCordons"))
        .hasValueSatisfying(c -> assertThat(c.toString()).contains("nodeId=103", "cordonedAt="));
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              assertThat(
                      local
                          .client()
                          .pods()
                          .inNamespace("default")
                          .withName("payments-broker-3")
                          .get())
                  .isNull();
              assertThat(local.runtime().kubelet().pids()).hasSize(6);
              assertThat(brokers().getStatus().getReadyReplicas()).isEqualTo(3);
              assertThat(QuorumClusters.condition(local.cluster("payments"), "Ready").orElse(null))
                  .isEqualTo("True");
            });
  }

  @Test
  @Order(3)
  void givenABrokerRemovedCordoned_whenScaledBackUp_thenItsCordonIsLifted() {
    // Kafka keeps broker 103's cordon after its pod went: the operator lifts it once 103 runs
    assertThat(QuorumClusters.at(local.cluster("payments"), "status.brokerCordons"))
        .hasValueSatisfying(c -> assertThat(c.toString()).contains("nodeId=103"));

    scaleBrokers(4);

    await()
        .atMost(LocalRuntimeExtension.READY_TIMEOUT)
        .untilAsserted(
            () -> {
              assertThat(brokers().getStatus().getReadyReplicas()).isEqualTo(4);
              assertThat(QuorumClusters.at(local.cluster("payments"), "status.brokerCordons"))
                  .isEmpty();
            });
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(local.events("payments", "BrokerCordonLifted"))
                    .anySatisfy(e -> assertThat(e.getMessage()).contains("broker 103")));
    // broker 103 applies the lifted setting when it replays the metadata that deletes it
    Map<String, Object> operator =
        ClientConfig.forAdmin(local.client(), local.cluster("payments")).kafka();
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              try (Admin admin = Admin.create(operator)) {
                assertThat(
                        admin
                            .describeLogDirs(List.of(103))
                            .allDescriptions()
                            .get(10, java.util.concurrent.TimeUnit.SECONDS)
                            .get(103)
                            .values())
                    .isNotEmpty()
                    .noneMatch(LogDirDescription::isCordoned);
              }
            });
  }

  @Test
  @Order(4)
  void givenRunningCluster_whenDeleted_thenEveryProcessEnds() {
    assertThat(local.runtime().delete("default", "payments")).isTrue();

    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              // in the order things go, so a failure names the stage that got stuck
              assertThat(
                      local.client().apps().statefulSets().inNamespace("default").list().getItems())
                  .isEmpty();
              assertThat(local.pods()).isEmpty();
              assertThat(local.runtime().kubelet().pids()).isEmpty();
            });
  }

  @SuppressWarnings("unchecked")
  private static void scaleBrokers(int replicas) {
    GenericKubernetesResource qc =
        local.runtime().files().read(CombinedE2ETest.example("separated.yaml")).get(0);
    ((Map<String, Object>)
            ((Map<String, Object>) qc.getAdditionalProperties().get("spec")).get("brokers"))
        .put("replicas", replicas);
    local.runtime().apply(List.of(qc));
  }

  private static StatefulSet brokers() {
    return local
        .client()
        .apps()
        .statefulSets()
        .inNamespace("default")
        .withName("payments-broker")
        .get();
  }

  private static Properties producerConfig() {
    Properties p = new Properties();
    p.putAll(local.clients("payments").kafka());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }

  private static Properties consumerConfig() {
    Properties p = new Properties();
    p.putAll(local.clients("payments").kafka());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "e2e");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    return p;
  }
}
