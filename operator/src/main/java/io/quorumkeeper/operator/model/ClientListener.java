package io.quorumkeeper.operator.model;

import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerSpec;
import java.util.List;
import java.util.Locale;

/**
 * A client listener of the brokers as the model renders it: Kafka's listener name and protocol, the
 * port and its name on the container and the Services. Without {@code spec.listeners} a cluster has
 * one listener on 9092 decided when it was created (docs/adr/015): TLS with SCRAM-SHA-512 ({@link
 * #CLIENTS}) for TLS clusters created since, the anonymous plaintext listener ({@link #DEFAULT})
 * for plaintext clusters and clusters created before, rendered exactly as before.
 *
 * @param name the name in the spec (lower case)
 * @param kafkaName Kafka's listener name
 * @param portName the container and Service port's name
 * @param maxConnections the spec's connection cap per broker; null leaves it to the launcher
 */
public record ClientListener(
    String name,
    String kafkaName,
    int port,
    String portName,
    boolean tls,
    ListenerAuthentication authentication,
    Integer maxConnections) {

  /** A listener whose connections the launcher caps (see docs/security.md). */
  public ClientListener(
      String name,
      String kafkaName,
      int port,
      String portName,
      boolean tls,
      ListenerAuthentication authentication) {
    this(name, kafkaName, port, portName, tls, authentication, null);
  }

  /** The listener of a plaintext cluster, or one created before ADR 015, that declares none. */
  public static final ClientListener DEFAULT =
      new ClientListener(
          "plain", "PLAINTEXT", Pool.KAFKA_PORT, "kafka", false, ListenerAuthentication.NONE);

  /** The listener of a TLS cluster created since ADR 015 that declares none. */
  public static final ClientListener CLIENTS =
      new ClientListener(
          "clients",
          "CLIENTS",
          Pool.KAFKA_PORT,
          "clients",
          true,
          ListenerAuthentication.SCRAM_SHA_512);

  /** The SCRAM mechanism of {@code scram-sha-512} listeners, as Kafka names it. */
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

  /**
   * The listeners a spec declares, or the one its cluster got at creation: {@link #CLIENTS} when
   * {@code identity} says its clients authenticate, else {@link #DEFAULT} (also without identity).
   */
  public static List<ClientListener> of(QuorumClusterSpec spec, ClusterIdentity identity) {
    List<ListenerSpec> declared = spec == null ? null : spec.getListeners();
    if (declared == null || declared.isEmpty()) {
      return List.of(
          identity != null && identity.clients() == ListenerAuthentication.SCRAM_SHA_512
              ? CLIENTS
              : DEFAULT);
    }
    List<ClientListener> listeners = declared.stream().map(ClientListener::of).toList();
    if (identity != null && !identity.tls() && listeners.size() == 1) {
      // A Plaintext cluster's one listener is also its inter-broker listener: Kafka's name stays
      // PLAINTEXT whatever the spec calls it, since a broker restarted with a renamed inter-broker
      // listener finds no endpoint of that name on the others and never rejoins an ISR.
      ClientListener only = listeners.get(0);
      return List.of(
          new ClientListener(
              only.name(),
              DEFAULT.kafkaName(),
              only.port(),
              only.portName(),
              only.tls(),
              only.authentication(),
              only.maxConnections()));
    }
    return listeners;
  }

  static ClientListener of(ListenerSpec spec) {
    ListenerAuthentication authentication =
        spec.getAuthentication() == null ? ListenerAuthentication.NONE : spec.getAuthentication();
    return new ClientListener(
        spec.getName(),
        spec.getName().toUpperCase(Locale.ROOT),
        spec.getPort(),
        spec.getName(),
        spec.isTls(),
        authentication,
        spec.getMaxConnections());
  }

  /** Kafka's security protocol of the listener. */
  public String protocol() {
    boolean scram = authentication == ListenerAuthentication.SCRAM_SHA_512;
    if (tls) {
      return scram ? "SASL_SSL" : "SSL";
    }
    return scram ? "SASL_PLAINTEXT" : "PLAINTEXT";
  }

  /** Whether clients of this listener have a user of their own (not {@code User:ANONYMOUS}). */
  public boolean authenticated() {
    return authentication != ListenerAuthentication.NONE;
  }

  /**
   * The listener's user, {@code <cluster>-<listener>-user}: the Secret's name, the SCRAM user name
   * and the client certificate's CN. It ends in {@code -user}, so it can never be mistaken for a
   * node ({@code -<number>}) or the operator by the principal mapping rules.
   */
  public String user(String cluster) {
    return cluster + "-" + name + "-user";
  }

  /** Whether any of these listeners lets anonymous clients in. */
  public static boolean anyAnonymous(List<ClientListener> listeners) {
    return listeners.stream().anyMatch(l -> !l.authenticated());
  }
}
