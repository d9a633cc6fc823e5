package io.quorumkeeper.operator.model;

import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The {@code server.properties} template of a pool, built by a small fluent builder. Keys are
 * sorted and nothing varies per render, so the text (and its hash on the pod template) changes
 * exactly when the configuration does. Per-pod values stay {@code ${NAME}} placeholders the
 * launcher fills in (see docs/node-contract.md).
 */
public final class KafkaConfig {

  /** Keys the operator owns; a user setting one gets a SpecInvalid condition. */
  public static final List<String> RESERVED_KEYS =
      List.of(
          "node.id",
          "broker.id",
          "process.roles",
          "listeners",
          "advertised.listeners",
          "listener.security.protocol.map",
          "inter.broker.listener.name",
          // Kafka refuses it beside inter.broker.listener.name, and picks a listener by it
          // otherwise
          "security.inter.broker.protocol",
          "controller.listener.names",
          "log.dirs",
          "log.dir",
          "metadata.log.dir",
          "cluster.id");

  /** Key prefixes the operator owns. */
  public static final List<String> RESERVED_PREFIXES = List.of("controller.quorum.");

  /**
   * Keys that decide whether the nodes' own requests get through, on every transport: an authorizer
   * on a Plaintext cluster refuses the nodes' votes (they all connect as {@code User:ANONYMOUS}),
   * and connection and request limits apply to the controller listener too. Each passes a
   * follower's restart unnoticed (it fetches from the old leader) and loses the quorum when the
   * leader restarts last.
   */
  public static final List<String> QUORUM_ACCESS_KEYS =
      List.of(
          "authorizer.class.name",
          "super.users",
          "allow.everyone.if.no.acl.found",
          "principal.builder.class",
          "early.start.listeners",
          "socket.request.max.bytes",
          "queued.max.requests",
          "queued.max.request.bytes");

  /**
   * Kafka's config providers (ADR 043): with them a value such as {@code
   * ${dir:/etc/quorum/tls:...}} is replaced by a file's content when the node reads its
   * configuration, and every pod mounts the cluster's TLS keys and the agent token. A value that
   * reaches clients ({@code broker.rack} is in every Metadata response) would hand them out.
   * Refused on every transport.
   */
  public static final String CONFIG_PROVIDERS = "config.providers";

  /** Whether {@code key} configures Kafka's config providers. */
  public static boolean isConfigProvider(String key) {
    return key.equals(CONFIG_PROVIDERS) || key.startsWith(CONFIG_PROVIDERS + ".");
  }

  /**
   * The reporter that makes Kafka's metrics MBeans: the agent reads the raft metrics over JMX to
   * say whether a controller is ready, and Kafka 4 registers it only through {@code
   * metric.reporters} (ADR 043).
   */
  public static final String JMX_REPORTER = "org.apache.kafka.common.metrics.JmxReporter";

  private static final String LISTENER_PREFIX = "listener.name.";

  /** Key prefixes of the same kind: {@code max.connections*}, {@code max.connection.*}. */
  public static final List<String> QUORUM_ACCESS_PREFIXES = List.of("max.connection");

  /** Keys the operator owns on a TLS cluster beyond those: none but the prefixes below. */
  public static final List<String> TLS_RESERVED_KEYS = List.of();

  /** Key prefixes the operator owns on a TLS cluster: TLS, SASL and per-listener settings. */
  public static final List<String> TLS_RESERVED_PREFIXES =
      List.of("ssl.", "sasl.", LISTENER_PREFIX);

  /** The launcher's placeholder for the directory of the mounted {@code <cluster>-tls} Secret. */
  static final String TLS_DIR = "${QK_TLS_DIR}";

  private final SortedMap<String, String> properties = new TreeMap<>();

  private KafkaConfig() {}

  /**
   * What a user key may look like: Kafka's own keys are dotted words, with dashes in listener and
   * mechanism names. Anything else (spaces, escapes, '=', ':', control characters) could parse as
   * another key than the one the validator read, so it is refused rather than escaped.
   */
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

  /**
   * The user's part of a pool's server.properties; far more than any real config, far below a
   * ConfigMap's 1 MiB.
   */
  public static final int MAX_USER_CONFIG_BYTES = 32 * 1024;

  /** Whether a user may not set this key. */
  public static boolean isReserved(String key) {
    return RESERVED_KEYS.contains(key) || RESERVED_PREFIXES.stream().anyMatch(key::startsWith);
  }

  /** Whether a key could keep the nodes' own requests out, whatever the transport. */
  public static boolean isQuorumAccess(String key) {
    if (!key.startsWith(LISTENER_PREFIX)) {
      return isBrokerWideQuorumAccess(key);
    }
    // Kafka reads most of these per listener too ({@code listener.name.<listener>.<key>}), on
    // every transport; and nothing may be tuned on the quorum's own listener
    String listenerAndKey = key.substring(LISTENER_PREFIX.length());
    int dot = listenerAndKey.indexOf('.');
    String listener = dot < 0 ? listenerAndKey : listenerAndKey.substring(0, dot);
    return listener.equalsIgnoreCase("controller")
        || (dot >= 0 && isBrokerWideQuorumAccess(listenerAndKey.substring(dot + 1)));
  }

  private static boolean isBrokerWideQuorumAccess(String key) {
    return QUORUM_ACCESS_KEYS.contains(key)
        || QUORUM_ACCESS_PREFIXES.stream().anyMatch(key::startsWith);
  }

  /** Whether a user may not set this key on a TLS cluster (beyond {@link #isReserved}). */
  public static boolean isReservedForTls(String key) {
    return TLS_RESERVED_KEYS.contains(key)
        || TLS_RESERVED_PREFIXES.stream().anyMatch(key::startsWith);
  }

  /** Whether a user key has a shape the rendered file reads back as exactly that key. */
  public static boolean isWellFormedKey(String key) {
    return key != null && KEY.matcher(key).matches();
  }

  /** How many bytes the user's entries take in the rendered file, escaped. */
  public static int renderedSize(Map<String, String> userConfig) {
    return userConfig.entrySet().stream()
        .mapToInt(e -> e.getKey().length() + 2 + escape(e.getValue()).length())
        .sum();
  }

  /** The template for a pool of a plaintext cluster. */
  public static String render(
      Pool pool, Pool controllerPool, int brokerCount, Map<String, String> userConfig) {
    return render(pool, controllerPool, brokerCount, userConfig, Transport.Plaintext);
  }

  /** The template for a pool of the given cluster, with its one default client listener. */
  public static String render(
      Pool pool,
      Pool controllerPool,
      int brokerCount,
      Map<String, String> userConfig,
      Transport transport) {
    return render(
        pool, controllerPool, brokerCount, userConfig, transport, List.of(ClientListener.DEFAULT));
  }

  /** The template for a pool of the given cluster and client listeners. */
  public static String render(
      Pool pool,
      Pool controllerPool,
      int brokerCount,
      Map<String, String> userConfig,
      Transport transport,
      List<ClientListener> clients) {
    KafkaConfig config = new KafkaConfig().withRoles(pool.kind());
    if (transport == Transport.TLS) {
      config
          .withTlsListeners(pool.kind(), clients)
          .withTls(pool.cluster(), clients)
          .withClientSecurity(pool.kind(), clients);
    } else {
      config.withListeners(pool.kind(), clients).withVoterChangeGuard();
    }
    return config
        .withQuorum(controllerPool)
        .withStorage()
        .withInternalTopicDefaults(pool.kind(), brokerCount)
        .withUserConfig(userConfig, transport)
        .text();
  }

  static final String VOTER_CHANGE_GUARD = "io.quorumkeeper.node.kafka.VoterChangeGuard";
  static final String CONTROLLER_LISTENER_PRINCIPALS =
      "io.quorumkeeper.node.kafka.ControllerListenerPrincipalBuilder";

  private KafkaConfig withRoles(PoolKind kind) {
    properties.put("node.id", "${QK_NODE_ID}");
    properties.put("process.roles", kind.processRoles());
    return this;
  }

  /** A plaintext cluster: CONTROLLER and its one anonymous client listener. */
  private KafkaConfig withListeners(PoolKind kind, List<ClientListener> clients) {
    List<String> listeners = new ArrayList<>();
    List<String> advertised = new ArrayList<>();
    List<String> protocols = new ArrayList<>(List.of("CONTROLLER:PLAINTEXT"));
    if (kind.hasControllerRole()) {
      listeners.add("CONTROLLER://${POD_IP}:" + Pool.CONTROLLER_PORT);
      advertised.add("CONTROLLER://${QK_POD_HOST}:" + Pool.CONTROLLER_PORT);
    }
    if (kind.hasBrokerRole()) {
      for (ClientListener client : clients) {
        listeners.add(client.kafkaName() + "://${POD_IP}:" + client.port());
        advertised.add(client.kafkaName() + "://${QK_POD_HOST}:" + client.port());
        protocols.add(client.kafkaName() + ":" + client.protocol());
      }
      properties.put("inter.broker.listener.name", clients.get(0).kafkaName());
    }
    properties.put("listeners", String.join(",", listeners));
    properties.put("advertised.listeners", String.join(",", advertised));
    properties.put("listener.security.protocol.map", String.join(",", protocols));
    properties.put("controller.listener.names", "CONTROLLER");
    return this;
  }

  /**
   * A Plaintext cluster authenticates no one, but the requests that change the voters or drop a
   * broker are still only for whoever reaches the controller listener (the nodes and the operator,
   * by the NetworkPolicy): a broker forwards a client's AddRaftVoter and RemoveRaftVoter to the
   * controller, which without an authorizer asks no one (ADR 032). The quorum-node image holds both
   * classes; every other request stays open to everyone, as before.
   */
  private KafkaConfig withVoterChangeGuard() {
    properties.put("authorizer.class.name", VOTER_CHANGE_GUARD);
    properties.put("principal.builder.class", CONTROLLER_LISTENER_PRINCIPALS);
    return this;
  }

  /**
   * CONTROLLER (9093) and REPLICATION (9091, broker roles) use mutual TLS; the client listeners (by
   * default PLAINTEXT on 9092, anonymous) are what the spec declares, and the authorizer limits
   * them to what the operator grants.
   */
  private KafkaConfig withTlsListeners(PoolKind kind, List<ClientListener> clients) {
    List<String> listeners = new ArrayList<>();
    List<String> advertised = new ArrayList<>();
    if (kind.hasControllerRole()) {
      listeners.add("CONTROLLER://${POD_IP}:" + Pool.CONTROLLER_PORT);
      advertised.add("CONTROLLER://${QK_POD_HOST}:" + Pool.CONTROLLER_PORT);
    }
    if (kind.hasBrokerRole()) {
      listeners.add("REPLICATION://${POD_IP}:" + Pool.REPLICATION_PORT);
      advertised.add("REPLICATION://${QK_POD_HOST}:" + Pool.REPLICATION_PORT);
      for (ClientListener client : clients) {
        listeners.add(client.kafkaName() + "://${POD_IP}:" + client.port());
        advertised.add(client.kafkaName() + "://${QK_POD_HOST}:" + client.port());
      }
      properties.put("inter.broker.listener.name", "REPLICATION");
    }
    SortedMap<String, String> protocols = new TreeMap<>();
    protocols.put("CONTROLLER", "SSL");
    protocols.put("REPLICATION", "SSL");
    clients.forEach(c -> protocols.put(c.kafkaName(), c.protocol()));
    properties.put("listeners", String.join(",", listeners));
    properties.put("advertised.listeners", String.join(",", advertised));
    properties.put(
        "listener.security.protocol.map",
        protocols.entrySet().stream()
            .map(e -> e.getKey() + ":" + e.getValue())
            .collect(Collectors.joining(",")));
    properties.put("controller.listener.names", "CONTROLLER");
    return this;
  }

  /**
   * Per client listener: a client certificate required only where clients authenticate with one
   * (the global {@code ssl.client.auth=required} is for CONTROLLER and REPLICATION), the spec's
   * connection cap if it sets one (else the launcher sizes it from the heap), and SCRAM's mechanism
   * and server-side login module where clients authenticate with SCRAM. The users' credentials live
   * in the metadata log, created by the operator.
   */
  private KafkaConfig withClientSecurity(PoolKind kind, List<ClientListener> clients) {
    if (!kind.hasBrokerRole()) {
      return this;
    }
    for (ClientListener client : clients) {
      String prefix = "listener.name." + client.kafkaName().toLowerCase(Locale.ROOT) + ".";
      if (client.tls()) {
        boolean certificate = client.authentication() == ListenerAuthentication.TLS;
        properties.put(prefix + "ssl.client.auth", certificate ? "required" : "none");
      }
      if (client.maxConnections() != null) {
        properties.put(prefix + "max.connections", Integer.toString(client.maxConnections()));
      }
      if (client.authentication() == ListenerAuthentication.SCRAM_SHA_512) {
        properties.put(prefix + "sasl.enabled.mechanisms", ClientListener.SCRAM_MECHANISM);
        properties.put(
            prefix + "scram-sha-512.sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
      }
    }
    return this;
  }

  /**
   * The node's own key and certificate chain and the cluster CA (Kafka's PEM stores), client
   * certificates required, and the principals: every node of this cluster is {@code
   * quorum-keeper-node}, the operator {@code quorum-keeper-operator}, both super users.
   */
  private KafkaConfig withTls(String cluster, List<ClientListener> clients) {
    properties.put(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    properties.put("ssl.client.auth", "required");
    properties.put("ssl.keystore.location", TLS_DIR + "/${POD_NAME}.pem");
    properties.put("ssl.keystore.type", "PEM");
    properties.put(
        "ssl.principal.mapping.rules",
        "RULE:^CN="
            + cluster
            + "-(node|controller|broker)-[0-9]+$/"
            + TlsSecretModel.NODE_PRINCIPAL
            + "/,RULE:^CN=("
            + TlsSecretModel.OPERATOR_NAME
            + ")$/$1/,"
            + userRule(cluster, clients)
            + "DEFAULT");
    properties.put("ssl.truststore.location", TLS_DIR + "/" + TlsSecretModel.CA_CERT);
    properties.put("ssl.truststore.type", "PEM");
    properties.put(
        "super.users",
        "User:" + TlsSecretModel.NODE_PRINCIPAL + ";User:" + TlsSecretModel.OPERATOR_NAME);
    return this;
  }

  /**
   * Client certificates of {@code tls} listeners: {@code CN=<cluster>-<listener>-user} becomes
   * {@code User:<cluster>-<listener>-user}, like the SCRAM users (DEFAULT would give {@code
   * User:CN=...}). None when no listener authenticates with certificates.
   */
  private static String userRule(String cluster, List<ClientListener> clients) {
    boolean certificates =
        clients.stream().anyMatch(c -> c.authentication() == ListenerAuthentication.TLS);
    return certificates ? "RULE:^CN=(" + cluster + "-[a-z0-9-]+-user)$/$1/," : "";
  }

  private KafkaConfig withQuorum(Pool controllerPool) {
    properties.put("controller.quorum.bootstrap.servers", controllerPool.controllerEndpoints());
    // The operator owns membership: a node never adds itself to the voter set.
    properties.put("controller.quorum.auto.join.enable", "false");
    return this;
  }

  private KafkaConfig withStorage() {
    properties.put("log.dirs", "${QK_DATA_DIR}");
    return this;
  }

  /** Kafka's defaults of 3 cannot be met by smaller clusters, whose brokers would never serve. */
  private KafkaConfig withInternalTopicDefaults(PoolKind kind, int brokerCount) {
    if (kind.hasBrokerRole()) {
      int replication = Math.max(1, Math.min(3, brokerCount));
      properties.put("offsets.topic.replication.factor", Integer.toString(replication));
      properties.put("transaction.state.log.replication.factor", Integer.toString(replication));
      properties.put("transaction.state.log.min.isr", Integer.toString(Math.min(2, replication)));
    }
    return this;
  }

  private KafkaConfig withUserConfig(Map<String, String> userConfig, Transport transport) {
    if (userConfig == null) {
      return this; // an explicit null, which a server without the schema delivers: none
    }
    userConfig.forEach(
        (key, value) -> {
          boolean owned =
              isReserved(key)
                  || isQuorumAccess(key)
                  || (transport == Transport.TLS && isReservedForTls(key));
          if (isWellFormedKey(key) && !owned && value != null) {
            properties.put(key, escape(value));
          }
        });
    return this;
  }

  /**
   * A user value as {@code server.properties} text that {@link Properties#load} reads back as the
   * same string: the JDK's own escaping (backslashes, line breaks, leading spaces, separators,
   * anything outside printable ASCII), and every {@code $} as a unicode escape, so that no user
   * value is ever taken for one of the launcher's {@code ${NAME}} placeholders (Kafka still sees
   * the {@code $}, so config-provider references keep working).
   */
  static String escape(String value) {
    Properties one = new Properties();
    one.setProperty("k", value);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      one.store(out, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String line =
        out.toString(StandardCharsets.ISO_8859_1)
            .lines()
            .filter(l -> l.startsWith("k="))
            .findFirst()
            .orElseThrow();
    return line.substring(2).replace("$", "\\u0024");
  }

  private String text() {
    return properties.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n", "", "\n"));
  }
}
