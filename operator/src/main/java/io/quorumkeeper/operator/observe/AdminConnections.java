package io.quorumkeeper.operator.observe;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One Kafka Admin client per cluster, kept and reused while its bootstrap list stays the same,
 * every call bounded by {@code timeout}; closed when the cluster is forgotten.
 */
final class AdminConnections {

  private record Connection(String bootstrap, Admin admin) {}

  private final String bootstrapKey;
  private final String clientIdPrefix;
  private final Duration timeout;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();

  /**
   * @param bootstrapKey {@code bootstrap.controllers} to talk to the quorum, {@code
   *     bootstrap.servers} to talk to the brokers
   */
  AdminConnections(String bootstrapKey, String clientIdPrefix, Duration timeout) {
    this.bootstrapKey = bootstrapKey;
    this.clientIdPrefix = clientIdPrefix;
    this.timeout = timeout;
  }

  Admin admin(String cluster, String bootstrap) {
    return connections
        .compute(
            cluster,
            (key, existing) -> {
              if (existing != null && existing.bootstrap().equals(bootstrap)) {
                return existing;
              }
              if (existing != null) {
                existing.admin().close(Duration.ZERO);
              }
              return new Connection(bootstrap, Admin.create(config(cluster, bootstrap)));
            })
        .admin();
  }

  private Properties config(String cluster, String bootstrap) {
    Properties config = new Properties();
    config.put(bootstrapKey, bootstrap);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientIdPrefix + cluster.replace('/', '-'));
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    return config;
  }

  void forget(String cluster) {
    Connection connection = connections.remove(cluster);
    if (connection != null) {
      connection.admin().close(Duration.ZERO);
    }
  }

  void close() {
    connections.keySet().forEach(this::forget);
  }
}
