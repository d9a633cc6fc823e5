package io.quorumkeeper.local.client;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.api.QuorumClusters;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a client reaches one listener of a cluster: the bootstrap address and the client properties a
 * user on Kubernetes would write (docs/security.md, "Connecting a client"), filled from the
 * listener's user Secret {@code <cluster>-<listener>-user}, or, for {@code --admin}, from the
 * operator's certificate in {@code <cluster>-ca}.
 *
 * @param properties the client properties (PEM inline: nothing else to write to disk)
 */
public record ClientConfig(String bootstrap, Map<String, String> properties) {

  /** The operator's replication listener, where {@code --admin} connects. */
  public static final int REPLICATION_PORT = 9091;

  /** One client listener as the cluster's spec declares it. */
  public record Listener(String name, int port, boolean tls, String authentication) {

    /**
     * The listener of a cluster without {@code spec.listeners} whose {@code
     * status.bootstrap.clientAuthentication} is none (plaintext clusters, clusters from before).
     */
    static final Listener DEFAULT = new Listener("plain", 9092, false, "none");

    /** The listener of a TLS cluster without {@code spec.listeners} created since ADR 015. */
    static final Listener CLIENTS = new Listener("clients", 9092, true, "scram-sha-512");

    String protocol() {
      boolean scram = authentication.equals("scram-sha-512");
      if (tls) {
        return scram ? "SASL_SSL" : "SSL";
      }
      return scram ? "SASL_PLAINTEXT" : "PLAINTEXT";
    }

    String user(String cluster) {
      return cluster + "-" + name + "-user";
    }
  }

  /**
   * The cluster's client listeners, as {@code spec.listeners} declares them, or the one it got at
   * creation ({@code status.bootstrap.clientAuthentication}, docs/adr/015).
   */
  @SuppressWarnings("unchecked")
  public static List<Listener> listeners(GenericKubernetesResource cluster) {
    Object declared = QuorumClusters.at(cluster, "spec.listeners").orElse(null);
    if (!(declared instanceof List<?> list) || list.isEmpty()) {
      Object clients =
          QuorumClusters.at(cluster, "status.bootstrap.clientAuthentication").orElse("none");
      return List.of("scram-sha-512".equals(clients) ? Listener.CLIENTS : Listener.DEFAULT);
    }
    return list.stream()
        .map(item -> (Map<String, Object>) item)
        .map(
            l ->
                new Listener(
                    String.valueOf(l.get("name")),
                    ((Number) l.get("port")).intValue(),
                    Boolean.TRUE.equals(l.get("tls")),
                    String.valueOf(l.getOrDefault("authentication", "none"))))
        .toList();
  }

  /** The named QuorumCluster, or the only one in the namespace. */
  public static GenericKubernetesResource cluster(
      KubernetesClient client, String namespace, Optional<String> name) {
    if (name.isPresent()) {
      GenericKubernetesResource found =
          QuorumClusters.of(client).inNamespace(namespace).withName(name.get()).get();
      if (found == null) {
        throw new InputException(
            "no QuorumCluster "
                + name.get()
                + " in namespace "
                + namespace
                + names(client, namespace));
      }
      return found;
    }
    List<GenericKubernetesResource> all =
        QuorumClusters.of(client).inNamespace(namespace).list().getItems();
    if (all.size() != 1) {
      throw new InputException(
          (all.isEmpty() ? "no QuorumCluster" : "several QuorumClusters")
              + " in namespace "
              + namespace
              + names(client, namespace)
              + ": name one with --cluster");
    }
    return all.get(0);
  }

  private static String names(KubernetesClient client, String namespace) {
    List<String> names =
        QuorumClusters.of(client).inNamespace(namespace).list().getItems().stream()
            .map(c -> c.getMetadata().getName())
            .toList();
    return names.isEmpty() ? "" : " (there: " + String.join(", ", names) + ")";
  }

  /** The listener of that name, or the cluster's first. */
  public static Listener listener(GenericKubernetesResource cluster, Optional<String> name) {
    List<Listener> listeners = listeners(cluster);
    if (name.isEmpty()) {
      return listeners.get(0);
    }
    return listeners.stream()
        .filter(l -> l.name().equals(name.get()))
        .findFirst()
        .orElseThrow(
            () ->
                new InputException(
                    "QuorumCluster "
                        + cluster.getMetadata().getName()
                        + " has no listener "
                        + name.get()
                        + "; its listeners: "
                        + String.join(", ", listeners.stream().map(Listener::name).toList())));
  }

  /** How a client of {@code listener} connects, with the credentials of its user's Secret. */
  public static ClientConfig forListener(
      KubernetesClient client, GenericKubernetesResource cluster, Listener listener) {
    String name = cluster.getMetadata().getName();
    String namespace = cluster.getMetadata().getNamespace();
    Map<String, String> user =
        listener.authentication().equals("none")
            ? Map.of()
            : secret(client, namespace, listener.user(name));
    String ca =
        !listener.tls()
            ? null
            : user.containsKey("ca.crt") ? user.get("ca.crt") : trustBundle(client, cluster);
    return new ClientConfig(
        bootstrap(name, namespace, listener.port()), properties(listener, user, ca));
  }

  /**
   * The operator's mutual TLS on the replication listener: a super user, for what no client user
   * may do (describe or change the quorum, read every ACL). A Plaintext cluster has neither the
   * listener nor an authorizer: there {@code --admin} is its anonymous listener.
   */
  public static ClientConfig forAdmin(KubernetesClient client, GenericKubernetesResource cluster) {
    String name = cluster.getMetadata().getName();
    String namespace = cluster.getMetadata().getNamespace();
    // status says what the cluster runs (a cluster from before TLS has no spec.security.transport)
    Object transport =
        QuorumClusters.at(cluster, "status.bootstrap.transport")
            .or(() -> QuorumClusters.at(cluster, "spec.security.transport"))
            .orElse("TLS");
    if ("Plaintext".equals(transport)) {
      return forListener(client, cluster, listeners(cluster).get(0));
    }
    Map<String, String> ca = secret(client, namespace, name + "-ca");
    Map<String, String> p = new TreeMap<>();
    p.put("security.protocol", "SSL");
    p.put("ssl.truststore.type", "PEM");
    p.put("ssl.truststore.certificates", trustBundle(client, cluster));
    p.put("ssl.keystore.type", "PEM");
    p.put("ssl.keystore.certificate.chain", required(ca, "operator.crt", name + "-ca"));
    p.put("ssl.keystore.key", required(ca, "operator.key", name + "-ca"));
    return new ClientConfig(bootstrap(name, namespace, REPLICATION_PORT), p);
  }

  /**
   * Every CA the cluster's nodes are trusted by now: {@code ca.crt} of {@code <cluster>-tls}, which
   * holds the old and the new CA during a rotation (the signing CA alone would refuse the brokers
   * that have not restarted yet).
   */
  private static String trustBundle(KubernetesClient client, GenericKubernetesResource cluster) {
    String tls = cluster.getMetadata().getName() + "-tls";
    return required(secret(client, cluster.getMetadata().getNamespace(), tls), "ca.crt", tls);
  }

  /**
   * The client properties of a listener: its protocol, the CA to trust when it has TLS, and the
   * user's SCRAM login ({@code username}, {@code password}) or certificate ({@code user.key},
   * {@code user.crt}) from {@code user}, the entries of its Secret.
   */
  static Map<String, String> properties(Listener listener, Map<String, String> user, String ca) {
    String secret = "Secret of user " + user.getOrDefault("username", "?");
    Map<String, String> p = new TreeMap<>();
    p.put("security.protocol", listener.protocol());
    if (listener.tls()) {
      p.put("ssl.truststore.type", "PEM");
      p.put("ssl.truststore.certificates", ca);
    }
    switch (listener.authentication()) {
      case "scram-sha-512" -> {
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put(
            "sasl.jaas.config",
            scramLogin(required(user, "username", secret), required(user, "password", secret)));
      }
      case "tls" -> {
        p.put("ssl.keystore.type", "PEM");
        p.put("ssl.keystore.certificate.chain", required(user, "user.crt", secret));
        p.put("ssl.keystore.key", required(user, "user.key", secret));
      }
      default -> {
        // anonymous: nothing to present
      }
    }
    return p;
  }

  /** The JAAS line of a SCRAM client; quotes and backslashes in the values escaped. */
  public static String scramLogin(String username, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + escaped(username)
        + "\" password=\""
        + escaped(password)
        + "\";";
  }

  private static String escaped(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  static String bootstrap(String cluster, String namespace, int port) {
    return cluster + "-bootstrap." + namespace + ".svc:" + port;
  }

  /** The client properties with {@code bootstrap.servers}: what a Kafka client is created with. */
  public Map<String, Object> kafka() {
    Map<String, Object> config = new TreeMap<>(properties);
    config.put("bootstrap.servers", bootstrap);
    return config;
  }

  /**
   * How a client of the cluster's first listener connects, as {@code ./quorum-keeper kafka} does:
   * what tests and benchmarks use, so that they log in like a user's client.
   */
  public static ClientConfig ofCluster(KubernetesClient client, String namespace, String name) {
    GenericKubernetesResource cluster = cluster(client, namespace, Optional.of(name));
    return forListener(client, cluster, listener(cluster, Optional.empty()));
  }

  /** This config with one property changed (tests: a wrong password, no certificate). */
  public ClientConfig with(String key, String value) {
    Map<String, String> p = new TreeMap<>(properties);
    if (value == null) {
      p.remove(key);
    } else {
      p.put(key, value);
    }
    return new ClientConfig(bootstrap, p);
  }

  private static Map<String, String> secret(
      KubernetesClient client, String namespace, String name) {
    Secret secret = client.secrets().inNamespace(namespace).withName(name).get();
    if (secret == null || secret.getData() == null) {
      throw new InputException(
          "Secret " + name + " is not there (yet): is the cluster Ready? (./quorum-keeper status)");
    }
    Map<String, String> entries = new TreeMap<>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                entries.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return entries;
  }

  private static String required(Map<String, String> entries, String key, String where) {
    String value = entries.get(key);
    if (value == null || value.isBlank()) {
      throw new InputException(where + " has no " + key);
    }
    return value;
  }
}
