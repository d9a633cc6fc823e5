package io.quorumkeeper.node.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * Bounds what callers that have not authenticated yet may hold on a node's client listeners. Before
 * a SASL caller has authenticated, Kafka reads its messages into a buffer of the size the caller
 * claims, up to {@code sasl.server.max.receive.size} (512 KiB by default), outside the request pool
 * of {@link RequestMemory}; a TLS connection has its record buffers (about 50 KiB) from its first
 * byte; and nothing bounds how many connections a listener takes. A caller with no credentials that
 * opens a few thousand connections and claims the largest message on each exhausts the heap, and on
 * a Combined pod the controller dies with the broker.
 *
 * <p>For each client listener that authenticates its callers (SSL, SASL_SSL, SASL_PLAINTEXT),
 * neither the controller listener nor the inter-broker one, the launcher sets:
 *
 * <ul>
 *   <li>{@code listener.name.<l>.sasl.server.max.receive.size}: 64 KiB, on SASL listeners. The
 *       operator enables SCRAM alone, whose messages (and the version and handshake requests before
 *       them, client id included) are far smaller;
 *   <li>{@code listener.name.<l>.max.connections}: as many connections as a quarter of the heap
 *       holds at their worst before authentication, shared among those listeners, at least {@link
 *       #MIN_CONNECTIONS}. Kafka stops accepting on that listener at the cap; the controller
 *       listener and the replication listener keep their own, uncapped, socket servers.
 * </ul>
 *
 * A template that sets a key itself, per listener or broker-wide, keeps its value.
 */
public final class ClientConnections {

  static final String SASL_RECEIVE = "sasl.server.max.receive.size";
  static final String MAX_CONNECTIONS = "max.connections";

  /** The largest SASL message a client listener reads before its caller is authenticated. */
  static final long SASL_RECEIVE_BOUND = 64 * 1024;

  /** A TLS connection's record buffers (three of about 16.7 KiB) and its engine, rounded up. */
  static final long TLS_CONNECTION = 64 * 1024;

  /** The fewest connections a client listener is capped at, whatever the heap. */
  static final long MIN_CONNECTIONS = 128;

  private static final Set<String> AUTHENTICATING = Set.of("SSL", "SASL_SSL", "SASL_PLAINTEXT");

  private ClientConnections() {}

  /**
   * The settings to add for these rendered server properties in a JVM of {@code maxHeap} bytes,
   * keyed as Kafka reads them; empty for a controller-only node or listeners that authenticate
   * nobody.
   */
  public static Map<String, String> bounds(Properties server, long maxHeap) {
    Map<String, String> capped = capped(server);
    Map<String, String> bounds = new LinkedHashMap<>();
    if (capped.isEmpty()) {
      return bounds;
    }
    long share = Math.max(0, maxHeap) / 4 / capped.size();
    for (Map.Entry<String, String> listenerAndProtocol : capped.entrySet()) {
      String prefix = prefix(listenerAndProtocol.getKey());
      String protocol = listenerAndProtocol.getValue();
      long perConnection = protocol.endsWith("SSL") ? TLS_CONNECTION : 0;
      if (protocol.startsWith("SASL_")) {
        String set = setting(server, prefix, SASL_RECEIVE);
        if (set == null) {
          bounds.put(prefix + SASL_RECEIVE, Long.toString(SASL_RECEIVE_BOUND));
        }
        perConnection += PropertiesText.number(set, SASL_RECEIVE_BOUND);
      }
      if (setting(server, prefix, MAX_CONNECTIONS) == null) {
        long cap = Math.max(MIN_CONNECTIONS, share / Math.max(1, perConnection));
        bounds.put(prefix + MAX_CONNECTIONS, Long.toString(Math.min(cap, Integer.MAX_VALUE)));
      }
    }
    return bounds;
  }

  /**
   * What the client listeners that authenticate their callers take, as Kafka will read it: for the
   * launcher's log.
   */
  public static String describe(Properties server) {
    List<String> limits = new ArrayList<>();
    for (String listener : capped(server).keySet()) {
      String prefix = prefix(listener);
      String receive = setting(server, prefix, SASL_RECEIVE);
      limits.add(
          listener
              + " at most "
              + setting(server, prefix, MAX_CONNECTIONS)
              + " connections"
              + (receive == null ? "" : " and " + receive + " bytes per message unauthenticated"));
    }
    return limits.isEmpty() ? "none that authenticate" : String.join(", ", limits);
  }

  /** The client listeners that authenticate their callers, by name, with their protocol. */
  private static Map<String, String> capped(Properties server) {
    Map<String, String> capped = new LinkedHashMap<>();
    Map<String, String> protocols = protocols(server);
    Set<String> exempt = exempt(server);
    for (String listener : listenerNames(server)) {
      String protocol = protocols.getOrDefault(listener, listener);
      if (AUTHENTICATING.contains(protocol) && !exempt.contains(listener)) {
        capped.put(listener, protocol);
      }
    }
    return capped;
  }

  private static String prefix(String listener) {
    return "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
  }

  /** The rendered server.properties with {@link #bounds} appended, if any. */
  public static String appendTo(String rendered, long maxHeap) {
    return PropertiesText.append(
        rendered,
        "unauthenticated callers bounded by the launcher from the heap (ClientConnections)",
        bounds(PropertiesText.parse(rendered), maxHeap));
  }

  /** A key as Kafka reads it for a listener: its own prefixed value, else the broker-wide one. */
  private static String setting(Properties server, String prefix, String key) {
    String own = server.getProperty(prefix + key);
    return own != null ? own : server.getProperty(key);
  }

  private static List<String> listenerNames(Properties server) {
    List<String> names = new ArrayList<>();
    for (String listener : split(server.getProperty("listeners"))) {
      int scheme = listener.indexOf("://");
      if (scheme > 0) {
        names.add(listener.substring(0, scheme).strip().toUpperCase(Locale.ROOT));
      }
    }
    return names;
  }

  private static Map<String, String> protocols(Properties server) {
    Map<String, String> protocols = new LinkedHashMap<>();
    for (String pair : split(server.getProperty("listener.security.protocol.map"))) {
      int colon = pair.indexOf(':');
      if (colon > 0) {
        protocols.put(
            pair.substring(0, colon).strip().toUpperCase(Locale.ROOT),
            pair.substring(colon + 1).strip().toUpperCase(Locale.ROOT));
      }
    }
    return protocols;
  }

  /**
   * The controller listeners and the inter-broker one: the quorum's and replication's own traffic,
   * which a cap filled by strangers must not block. Kafka's inter-broker listener is named {@code
   * PLAINTEXT} when nothing says otherwise.
   */
  private static Set<String> exempt(Properties server) {
    Set<String> exempt = new HashSet<>();
    for (String name : split(server.getProperty("controller.listener.names"))) {
      exempt.add(name.toUpperCase(Locale.ROOT));
    }
    exempt.add(
        server
            .getProperty("inter.broker.listener.name", "PLAINTEXT")
            .strip()
            .toUpperCase(Locale.ROOT));
    return exempt;
  }

  private static List<String> split(String list) {
    List<String> items = new ArrayList<>();
    if (list != null) {
      for (String item : list.split(",")) {
        if (!item.isBlank()) {
          items.add(item.strip());
        }
      }
    }
    return items;
  }
}
