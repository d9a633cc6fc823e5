package io.quorumkeeper.node;

import java.util.List;
import java.util.Properties;

/**
 * No Kafka config provider runs on a node (ADR 044, the second layer under ADR 043's validator).
 * With a provider, a {@code ${provider:path:key}} value is replaced by a file's content; every pod
 * mounts the cluster's TLS Secret (each node's key) and the agent token, and {@code broker.rack},
 * say, reaches every client in Metadata responses.
 *
 * <ul>
 *   <li>server.properties: Kafka allows every provider class the file names, whatever the system
 *       property below says (the property guards only configs that arrive later). So the launcher
 *       refuses a rendered file with a {@code config.providers} key before Kafka reads it ({@link
 *       #refuseIn}): a ConfigMap written by hand or by an older operator stops the node with exit
 *       code 2 and nothing read.
 *   <li>Dynamic configs set through the Admin API ({@code incrementalAlterConfigs}) resolve
 *       providers too, with the classes the system property allows ({@link #refuseAll}): none.
 * </ul>
 *
 * <p>A value of the system property given on the command line wins (an image built on ours that
 * needs a provider for dynamic configs says so there).
 */
final class NoConfigProviders {

  /** Kafka's allow-list of provider classes ({@code AbstractConfig}'s). */
  static final String ALLOWED = "org.apache.kafka.automatic.config.providers";

  /** Matches no class name: every provider is refused. */
  static final String NONE = "none";

  /** Kafka's key naming the providers; {@code config.providers.<name>.*} configure each. */
  static final String KEY = "config.providers";

  private NoConfigProviders() {}

  /** Refuses rendered server.properties that configure a config provider. */
  static void refuseIn(Properties server) {
    List<String> keys =
        server.stringPropertyNames().stream()
            .filter(key -> key.equals(KEY) || key.startsWith(KEY + "."))
            .sorted()
            .toList();
    if (!keys.isEmpty()) {
      throw LaunchException.badInput(
          "server.properties sets "
              + keys
              + ": a config provider would put files into Kafka's config, and every pod mounts the"
              + " cluster's TLS keys and agent token; quorum-node runs no config provider"
              + " (docs/security.md)");
    }
  }

  static void refuseAll() {
    if (System.getProperty(ALLOWED) == null) {
      System.setProperty(ALLOWED, NONE);
    }
  }
}
