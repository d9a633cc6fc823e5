package io.quorumkeeper.node.storage;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * The client settings a Kafka Admin needs to reach this node's controller peers, derived from the
 * node's own rendered server.properties: the protocol the first of {@code
 * controller.listener.names} maps to in {@code listener.security.protocol.map}, and for SSL the
 * node's own keystore and truststore (the node's certificate is a super user of its cluster). Pure.
 */
public final class ControllerClientSecurity {

  static final String SECURITY_PROTOCOL = "security.protocol";
  private static final List<String> SSL_KEYS =
      List.of(
          "ssl.keystore.type",
          "ssl.keystore.location",
          "ssl.truststore.type",
          "ssl.truststore.location",
          "ssl.endpoint.identification.algorithm");
  private static final List<String> PROTOCOLS =
      List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");

  private ControllerClientSecurity() {}

  /** Empty for a PLAINTEXT controller listener; else {@code security.protocol} and its settings. */
  public static Map<String, String> clientProperties(Properties server) {
    String listener = server.getProperty("controller.listener.names", "").split(",")[0].trim();
    String protocol =
        protocolOf(listener, server.getProperty("listener.security.protocol.map", ""));
    Map<String, String> client = new LinkedHashMap<>();
    if (protocol.equals("PLAINTEXT")) {
      return client;
    }
    client.put(SECURITY_PROTOCOL, protocol);
    if (protocol.endsWith("SSL")) {
      String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
      for (String key : SSL_KEYS) {
        String value = server.getProperty(prefix + key, server.getProperty(key));
        if (value != null && !(value.isBlank() && key.contains("location"))) {
          client.put(key, value.trim());
        }
      }
    }
    return client;
  }

  /**
   * The listener's protocol as Kafka resolves it: its entry in the map, else the listener name
   * itself when it names a protocol, else PLAINTEXT.
   */
  static String protocolOf(String listener, String protocolMap) {
    for (String entry : protocolMap.split(",")) {
      int colon = entry.indexOf(':');
      if (colon > 0 && entry.substring(0, colon).trim().equalsIgnoreCase(listener)) {
        return entry.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
      }
    }
    String upper = listener.toUpperCase(Locale.ROOT);
    return PROTOCOLS.contains(upper) ? upper : "PLAINTEXT";
  }
}
