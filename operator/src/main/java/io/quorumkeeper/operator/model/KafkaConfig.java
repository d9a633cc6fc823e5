package io.quorumkeeper.operator.model;

import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
          "controller.listener.names",
          "log.dirs",
          "log.dir",
          "metadata.log.dir",
          "cluster.id");

  /** Key prefixes the operator owns. */
  public static final List<String> RESERVED_PREFIXES = List.of("controller.quorum.");

  /** Keys the operator owns on a TLS cluster: its authorization. */
  public static final List<String> TLS_RESERVED_KEYS =
      List.of("authorizer.class.name", "super.users");

  /** Key prefixes the operator owns on a TLS cluster: TLS, SASL and per-listener settings. */
  public static final List<String> TLS_RESERVED_PREFIXES =
      List.of("ssl.", "sasl.", "listener.name.");

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

  /** The template for a pool of the given cluster. */
  public static String render(
      Pool pool,
      Pool controllerPool,
      int brokerCount,
      Map<String, String> userConfig,
      Transport transport) {
    KafkaConfig config = new KafkaConfig().withRoles(pool.kind());
    if (transport == Transport.TLS) {
      config.withTlsListeners(pool.kind()).withTls(pool.cluster());
    } else {
      config.withListeners(pool.kind());
    }
    return config
        .withQuorum(controllerPool)
        .withStorage()
        .withInternalTopicDefaults(pool.kind(), brokerCount)
        .withUserConfig(userConfig, transport)
        .text();
  }

  private KafkaConfig withRoles(PoolKind kind) {
    properties.put("node.id", "${QK_NODE_ID}");
    properties.put("process.roles", kind.processRoles());
    return this;
  }

  private KafkaConfig withListeners(PoolKind kind) {
    StringBuilder listeners = new StringBuilder();
    StringBuilder advertised = new StringBuilder();
    String protocols = "CONTROLLER:PLAINTEXT";
    if (kind.hasControllerRole()) {
      listeners.append("CONTROLLER://${POD_IP}:").append(Pool.CONTROLLER_PORT);
      advertised.append("CONTROLLER://${QK_POD_HOST}:").append(Pool.CONTROLLER_PORT);
    }
    if (kind.hasBrokerRole()) {
      String separator = kind.hasControllerRole() ? "," : "";
      listeners.append(separator).append("PLAINTEXT://${POD_IP}:").append(Pool.KAFKA_PORT);
      advertised.append(separator).append("PLAINTEXT://${QK_POD_HOST}:").append(Pool.KAFKA_PORT);
      protocols += ",PLAINTEXT:PLAINTEXT";
      properties.put("inter.broker.listener.name", "PLAINTEXT");
    }
    properties.put("listeners", listeners.toString());
    properties.put("advertised.listeners", advertised.toString());
    properties.put("listener.security.protocol.map", protocols);
    properties.put("controller.listener.names", "CONTROLLER");
    return this;
  }

  /**
   * CONTROLLER (9093) and REPLICATION (9091, broker roles) use mutual TLS; PLAINTEXT (9092) stays
   * the anonymous client listener, which the authorizer limits to what the operator grants.
   */
  private KafkaConfig withTlsListeners(PoolKind kind) {
    List<String> listeners = new java.util.ArrayList<>();
    List<String> advertised = new java.util.ArrayList<>();
    if (kind.hasControllerRole()) {
      listeners.add("CONTROLLER://${POD_IP}:" + Pool.CONTROLLER_PORT);
      advertised.add("CONTROLLER://${QK_POD_HOST}:" + Pool.CONTROLLER_PORT);
    }
    if (kind.hasBrokerRole()) {
      listeners.add("REPLICATION://${POD_IP}:" + Pool.REPLICATION_PORT);
      advertised.add("REPLICATION://${QK_POD_HOST}:" + Pool.REPLICATION_PORT);
      listeners.add("PLAINTEXT://${POD_IP}:" + Pool.KAFKA_PORT);
      advertised.add("PLAINTEXT://${QK_POD_HOST}:" + Pool.KAFKA_PORT);
      properties.put("inter.broker.listener.name", "REPLICATION");
    }
    properties.put("listeners", String.join(",", listeners));
    properties.put("advertised.listeners", String.join(",", advertised));
    properties.put(
        "listener.security.protocol.map", "CONTROLLER:SSL,PLAINTEXT:PLAINTEXT,REPLICATION:SSL");
    properties.put("controller.listener.names", "CONTROLLER");
    return this;
  }

  /**
   * The node's own key and certificate chain and the cluster CA (Kafka's PEM stores), client
   * certificates required, and the principals: every node of this cluster is {@code
   * quorum-keeper-node}, the operator {@code quorum-keeper-operator}, both super users.
   */
  private KafkaConfig withTls(String cluster) {
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
            + ")$/$1/,DEFAULT");
    properties.put("ssl.truststore.location", TLS_DIR + "/" + TlsSecretModel.CA_CERT);
    properties.put("ssl.truststore.type", "PEM");
    properties.put(
        "super.users",
        "User:" + TlsSecretModel.NODE_PRINCIPAL + ";User:" + TlsSecretModel.OPERATOR_NAME);
    return this;
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
    userConfig.forEach(
        (key, value) -> {
          boolean owned = isReserved(key) || (transport == Transport.TLS && isReservedForTls(key));
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
