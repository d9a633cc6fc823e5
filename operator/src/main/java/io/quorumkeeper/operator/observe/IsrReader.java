package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.quorum.PartitionIsr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;

/**
 * Reads every partition's ISR and its topic's min.insync.replicas through the brokers ({@code
 * bootstrap.servers}): one Admin per cluster, kept and reused, every call bounded by {@code
 * timeout}. A topic config read from a broker carries the broker's default where the topic sets
 * none, so the value is the one in force.
 */
final class IsrReader {

  static final String MIN_ISR = "min.insync.replicas";

  private final Duration timeout;
  private final AdminConnections connections;

  /** On {@code connections}, which the broker cordons share ({@link BrokerCordonWriter}). */
  IsrReader(Duration timeout, AdminConnections connections) {
    this.timeout = timeout;
    this.connections = connections;
  }

  List<PartitionIsr> partitions(String cluster, String bootstrapServers)
      throws QuorumUnavailableException {
    try {
      Admin admin = connections.admin(cluster, bootstrapServers);
      Set<String> topics =
          await(admin.listTopics(new ListTopicsOptions().listInternal(true)).names(), "list");
      if (topics.isEmpty()) {
        return List.of();
      }
      Map<String, TopicDescription> descriptions =
          await(admin.describeTopics(topics).allTopicNames(), "describe topics");
      List<ConfigResource> resources =
          topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
      Map<ConfigResource, Config> configs =
          await(admin.describeConfigs(resources).all(), "describe topic configs");
      List<PartitionIsr> partitions = new ArrayList<>();
      for (TopicDescription topic : descriptions.values()) {
        ConfigEntry entry =
            configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.name())).get(MIN_ISR);
        int minIsr = entry == null || entry.value() == null ? 1 : Integer.parseInt(entry.value());
        for (TopicPartitionInfo p : topic.partitions()) {
          partitions.add(
              new PartitionIsr(
                  topic.name() + "-" + p.partition(), ids(p.replicas()), ids(p.isr()), minIsr));
        }
      }
      return partitions;
    } catch (KafkaException e) {
      forget(cluster);
      throw new QuorumUnavailableException("brokers not reachable: " + e.getMessage(), e);
    } catch (QuorumUnavailableException e) {
      forget(cluster); // a wedged Admin starts again from the bootstrap list
      throw e;
    }
  }

  private static Set<Integer> ids(List<Node> nodes) {
    return nodes.stream().map(Node::id).collect(Collectors.toSet());
  }

  private <T> T await(KafkaFuture<T> future, String what) throws QuorumUnavailableException {
    return AdminCalls.await(future, timeout, "ISR read (" + what + ")", "broker");
  }

  void forget(String cluster) {
    connections.forget(cluster);
  }

  void close() {
    connections.close();
  }
}
