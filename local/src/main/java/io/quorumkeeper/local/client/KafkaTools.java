package io.quorumkeeper.local.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Kafka's command-line tools that {@code ./quorum-keeper kafka} runs: the script names of Kafka's
 * {@code bin/} mapped to their main classes in kafka-tools 4.4. Every one of them takes {@code
 * --bootstrap-server} and {@code --command-config} before its subcommand, which is where they are
 * added.
 */
public final class KafkaTools {

  private static final String TOOLS = "org.apache.kafka.tools.";

  /** Script name (without {@code .sh}) to main class, in the order {@code --help} lists them. */
  static final Map<String, String> MAIN_CLASSES = new LinkedHashMap<>();

  static {
    MAIN_CLASSES.put("kafka-topics", TOOLS + "TopicCommand");
    MAIN_CLASSES.put("kafka-console-producer", TOOLS + "ConsoleProducer");
    MAIN_CLASSES.put("kafka-console-consumer", TOOLS + "consumer.ConsoleConsumer");
    MAIN_CLASSES.put("kafka-console-share-consumer", TOOLS + "consumer.ConsoleShareConsumer");
    MAIN_CLASSES.put("kafka-consumer-groups", TOOLS + "consumer.group.ConsumerGroupCommand");
    MAIN_CLASSES.put("kafka-share-groups", TOOLS + "consumer.group.ShareGroupCommand");
    MAIN_CLASSES.put("kafka-streams-groups", TOOLS + "streams.StreamsGroupCommand");
    MAIN_CLASSES.put("kafka-groups", TOOLS + "GroupsCommand");
    MAIN_CLASSES.put("kafka-get-offsets", TOOLS + "GetOffsetShell");
    MAIN_CLASSES.put("kafka-delete-records", TOOLS + "DeleteRecordsCommand");
    MAIN_CLASSES.put("kafka-configs", TOOLS + "ConfigCommand");
    MAIN_CLASSES.put("kafka-acls", TOOLS + "AclCommand");
    MAIN_CLASSES.put("kafka-metadata-quorum", TOOLS + "MetadataQuorumCommand");
    MAIN_CLASSES.put("kafka-features", TOOLS + "FeatureCommand");
    MAIN_CLASSES.put("kafka-log-dirs", TOOLS + "LogDirsCommand");
    MAIN_CLASSES.put("kafka-reassign-partitions", TOOLS + "reassign.ReassignPartitionsCommand");
    MAIN_CLASSES.put("kafka-leader-election", TOOLS + "LeaderElectionCommand");
    MAIN_CLASSES.put("kafka-transactions", TOOLS + "TransactionsCommand");
    MAIN_CLASSES.put("kafka-broker-api-versions", TOOLS + "BrokerApiVersionsCommand");
    MAIN_CLASSES.put("kafka-client-metrics", TOOLS + "ClientMetricsCommand");
    MAIN_CLASSES.put("kafka-producer-perf-test", TOOLS + "ProducerPerformance");
    MAIN_CLASSES.put("kafka-consumer-perf-test", TOOLS + "ConsumerPerformance");
  }

  private KafkaTools() {}

  /** The main class of a script name ({@code kafka-topics} or {@code kafka-topics.sh}). */
  public static Optional<String> mainClass(String script) {
    String name = script.endsWith(".sh") ? script.substring(0, script.length() - 3) : script;
    return Optional.ofNullable(MAIN_CLASSES.get(name));
  }

  /** The tools' names, one line for usage messages. */
  public static String names() {
    return String.join(" ", MAIN_CLASSES.keySet());
  }
}
