package io.quorumkeeper.node.config;

import io.quorumkeeper.node.LaunchException;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The launcher's instructions from the pool's ConfigMap ({@code bootstrap.properties},
 * docs/node-contract.md).
 *
 * @param clusterFormed {@code false} until the operator has seen the quorum elect a leader
 * @param initialControllers empty for pools without the controller role
 * @param agentMaxConnections the optional {@code agent.max.connections}; empty means the agent's
 *     default
 */
public record BootstrapSettings(
    int agentPort,
    Optional<Integer> agentMaxConnections,
    boolean clusterFormed,
    String clusterId,
    InitialControllers initialControllers,
    int nodeIdOffset,
    Set<ProcessRole> roles) {

  public static final String FILE_NAME = "bootstrap.properties";

  private static final Set<String> KEYS =
      Set.of(
          "agent.max.connections",
          "agent.port",
          "cluster.formed",
          "cluster.id",
          "initial.controllers",
          "node.id.offset",
          "process.roles");
  private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9_-]{22}");

  /**
   * Parses and validates the file's properties; unknown keys are reported by {@link #unknownKeys}.
   */
  public static BootstrapSettings parse(Properties props) {
    Set<ProcessRole> roles = ProcessRole.parseAll(required(props, "process.roles"));
    String clusterId = required(props, "cluster.id");
    if (!CLUSTER_ID.matcher(clusterId).matches()) {
      throw LaunchException.badInput(
          "cluster.id '" + clusterId + "' is not a 22-character base64 Kafka cluster id");
    }
    boolean formed = parseBoolean(required(props, "cluster.formed"));
    InitialControllers initial = InitialControllers.parse(props.getProperty("initial.controllers"));
    if (roles.contains(ProcessRole.CONTROLLER) && !formed && initial.isEmpty()) {
      throw LaunchException.badInput(
          "bootstrap.properties: cluster.formed=false on a controller pool needs initial.controllers");
    }
    return new BootstrapSettings(
        parseInt(props, "agent.port", 1, 65535),
        props.getProperty("agent.max.connections") == null
            ? Optional.empty()
            : Optional.of(parseInt(props, "agent.max.connections", 1, 10_000)),
        formed,
        clusterId,
        initial,
        parseInt(props, "node.id.offset", 0, 1_000_000),
        roles);
  }

  /**
   * Keys the launcher does not know, sorted; worth a warning, not an error (a newer operator may
   * add keys).
   */
  public static Set<String> unknownKeys(Properties props) {
    Set<String> unknown = new TreeSet<>(props.stringPropertyNames());
    unknown.removeAll(KEYS);
    return unknown;
  }

  public boolean isController() {
    return roles.contains(ProcessRole.CONTROLLER);
  }

  private static String required(Properties props, String key) {
    String value = props.getProperty(key);
    if (value == null || value.isBlank()) {
      throw LaunchException.badInput("bootstrap.properties has no value for " + key);
    }
    return value.trim();
  }

  private static boolean parseBoolean(String value) {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw LaunchException.badInput(
              "bootstrap.properties: cluster.formed must be true or false, not '" + value + "'");
    };
  }

  private static int parseInt(Properties props, String key, int min, int max) {
    String value = required(props, key);
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < min || parsed > max) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw LaunchException.badInput(
          "bootstrap.properties: "
              + key
              + " must be an integer in ["
              + min
              + ", "
              + max
              + "], not '"
              + value
              + "'");
    }
  }
}
