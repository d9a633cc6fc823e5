package io.quorumkeeper.operator.observe;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One Kafka Admin client per cluster, kept and reused while its bootstrap list and TLS material
 * stay the same, every call bounded by {@code timeout}; closed when the cluster is forgotten. A
 * cluster that runs TLS is reached with the operator's client certificate for it ({@link
 * ClusterTrust}), never in plaintext.
 */
final class AdminConnections {

  private record Connection(String bootstrap, String tls, Admin admin) {}

  /** The longest wait between reconnects and between retries of a call (see config). */
  static final int BACKOFF_MAX_MS = 200;

  private final String bootstrapKey;
  private final String clientIdPrefix;
  private final Duration timeout;
  private final ClusterTrust trust;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();

  /**
   * @param bootstrapKey {@code bootstrap.controllers} to talk to the quorum, {@code
   *     bootstrap.servers} to talk to the brokers
   */
  AdminConnections(
      String bootstrapKey, String clientIdPrefix, Duration timeout, ClusterTrust trust) {
    this.bootstrapKey = bootstrapKey;
    this.clientIdPrefix = clientIdPrefix;
    this.timeout = timeout;
    this.trust = trust;
  }

  Admin admin(String cluster, String bootstrap) {
    Optional<ClientTls> tls = trust.of(cluster);
    String fingerprint = tls.map(ClientTls::fingerprint).orElse("plaintext");
    return connections
        .compute(
            cluster,
            (key, existing) -> {
              if (existing != null
                  && existing.bootstrap().equals(bootstrap)
                  && existing.tls().equals(fingerprint)) {
                return existing;
              }
              if (existing != null) {
                existing.admin().close(Duration.ZERO);
              }
              return new Connection(
                  bootstrap, fingerprint, Admin.create(config(cluster, bootstrap, tls)));
            })
        .admin();
  }

  private Properties config(String cluster, String bootstrap, Optional<ClientTls> tls) {
    Properties config = new Properties();
    tls.ifPresent(t -> config.putAll(t.kafkaProperties()));
    config.put(bootstrapKey, bootstrap);
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, clientIdPrefix + cluster.replace('/', '-'));
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    // After a leader dies, the Admin keeps asking it, backing off up to these bounds between tries,
    // and learns the new leader from a live controller only at its next metadata refresh: Kafka's
    // default 1 s bounds made a leader change reach status up to 1 s after the election (issue 15,
    // bench failover). 200 ms costs a few more connection attempts per call to a dead controller.
    config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, BACKOFF_MAX_MS);
    config.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, BACKOFF_MAX_MS);
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
