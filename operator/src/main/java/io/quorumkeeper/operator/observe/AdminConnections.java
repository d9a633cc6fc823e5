package io.quorumkeeper.operator.observe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.ClientDnsLookup;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One Kafka Admin client per cluster, kept and reused while its bootstrap list and TLS material
 * stay the same, every call bounded by {@code timeout}; closed when the cluster is forgotten. A
 * cluster that runs TLS is reached with the operator's client certificate for it ({@link
 * ClusterTrust}), never in plaintext.
 *
 * <p>A failed call replaces the client ({@link #failed}) when it had answered before: a client that
 * lost its controller can stay wedged on stale metadata. A client that never answered has no stale
 * metadata, it is still trying its bootstrap list, so it is kept for {@link #UNPROVEN_FOR} before
 * it is replaced (a client made while some pods' names did not resolve yet knows only the others).
 * While a new cluster forms, its observation fails every 250 ms; replacing the client each time
 * made the operator spend more CPU than a starting node, on the same machine (issue 15).
 */
final class AdminConnections {

  /** How long a client that never answered is kept through failed calls. */
  static final Duration UNPROVEN_FOR = Duration.ofSeconds(2);

  private record Connection(
      String bootstrap, String tls, Admin admin, long createdNanos, AtomicBoolean answered) {}

  /** The longest wait between reconnects and between retries of a call (see config). */
  static final int BACKOFF_MAX_MS = 200;

  private final String bootstrapKey;
  private final String clientIdPrefix;
  private final Duration timeout;
  private final ClusterTrust trust;
  private final LongSupplier nanoTime;
  private final Function<Properties, Admin> factory;
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();

  /**
   * @param bootstrapKey {@code bootstrap.controllers} to talk to the quorum, {@code
   *     bootstrap.servers} to talk to the brokers
   */
  AdminConnections(
      String bootstrapKey, String clientIdPrefix, Duration timeout, ClusterTrust trust) {
    this(bootstrapKey, clientIdPrefix, timeout, trust, System::nanoTime);
  }

  AdminConnections(
      String bootstrapKey,
      String clientIdPrefix,
      Duration timeout,
      ClusterTrust trust,
      LongSupplier nanoTime) {
    this(bootstrapKey, clientIdPrefix, timeout, trust, nanoTime, Admin::create);
  }

  AdminConnections(
      String bootstrapKey,
      String clientIdPrefix,
      Duration timeout,
      ClusterTrust trust,
      LongSupplier nanoTime,
      Function<Properties, Admin> factory) {
    this.bootstrapKey = bootstrapKey;
    this.clientIdPrefix = clientIdPrefix;
    this.timeout = timeout;
    this.trust = trust;
    this.nanoTime = nanoTime;
    this.factory = factory;
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
              // Kafka's own check, before the client and its TLS material are built: a client
              // made while no name resolves (a new cluster's pods do not exist yet) fails at once,
              // and a forming cluster is asked every 250 ms (issue 15)
              ClientUtils.parseAndValidateAddresses(
                  List.of(bootstrap.split(",")), ClientDnsLookup.USE_ALL_DNS_IPS);
              if (existing != null) {
                existing.admin().close(Duration.ZERO);
              }
              return new Connection(
                  bootstrap,
                  fingerprint,
                  factory.apply(config(cluster, bootstrap, tls)),
                  nanoTime.getAsLong(),
                  new AtomicBoolean());
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

  /** The cluster's client answered a call. */
  void answered(String cluster) {
    Connection connection = connections.get(cluster);
    if (connection != null) {
      connection.answered().set(true);
    }
  }

  /**
   * A call on the cluster's client failed: the client is replaced at the next call if it had
   * answered before or has not answered for {@link #UNPROVEN_FOR} since it was made.
   */
  void failed(String cluster) {
    connections.computeIfPresent(
        cluster,
        (key, connection) -> {
          boolean young = nanoTime.getAsLong() - connection.createdNanos() < UNPROVEN_FOR.toNanos();
          if (!connection.answered().get() && young) {
            return connection;
          }
          connection.admin().close(Duration.ZERO);
          return null;
        });
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
