package io.quorumkeeper.node.config;

import io.quorumkeeper.node.LaunchException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the pod knows about itself, from the container environment described in
 * docs/node-contract.md.
 *
 * @param workDir where the launcher writes the rendered server.properties; {@code QK_WORK_DIR} if
 *     set, else {@code <java.io.tmpdir>/quorum-node/<POD_NAME>} (never inside the Kafka log
 *     directory)
 * @param tlsDir {@code QK_TLS_DIR}: the mounted TLS Secret ({@code ca.crt}, {@code <pod>.pem}) of a
 *     TLS cluster; empty when the variable is not set
 */
public record PodFacts(
    String podName,
    int ordinal,
    String podNamespace,
    String podIp,
    String podHost,
    Path configDir,
    Path dataDir,
    Path tokenFile,
    Path workDir,
    Optional<Path> tlsDir) {

  static final String POD_NAME = "POD_NAME";
  static final String POD_NAMESPACE = "POD_NAMESPACE";
  static final String POD_IP = "POD_IP";
  static final String QK_POD_HOST = "QK_POD_HOST";
  static final String QK_CONFIG_DIR = "QK_CONFIG_DIR";
  static final String QK_DATA_DIR = "QK_DATA_DIR";
  static final String QK_TOKEN_FILE = "QK_TOKEN_FILE";
  static final String QK_WORK_DIR = "QK_WORK_DIR";
  static final String QK_TLS_DIR = "QK_TLS_DIR";

  /**
   * Reads and validates the environment; every problem is a {@link LaunchException} naming the
   * variable.
   */
  public static PodFacts fromEnv(Map<String, String> env) {
    String podName = required(env, POD_NAME);
    Path workDir =
        optional(env, QK_WORK_DIR)
            .map(Path::of)
            .orElse(Path.of(System.getProperty("java.io.tmpdir"), "quorum-node", podName));
    return new PodFacts(
        podName,
        ordinalOf(podName),
        optional(env, POD_NAMESPACE).orElse(""),
        required(env, POD_IP),
        required(env, QK_POD_HOST),
        Path.of(required(env, QK_CONFIG_DIR)),
        Path.of(required(env, QK_DATA_DIR)),
        Path.of(required(env, QK_TOKEN_FILE)),
        workDir,
        optional(env, QK_TLS_DIR).map(Path::of));
  }

  /**
   * The pod's own key and certificate chain, {@code ${QK_TLS_DIR}/${POD_NAME}.pem}, when it exists:
   * then the agent serves HTTPS with it.
   */
  public Optional<Path> tlsKeyAndChain() {
    return tlsDir
        .map(dir -> dir.resolve(podName + ".pem"))
        .filter(java.nio.file.Files::isRegularFile);
  }

  /** The StatefulSet ordinal: the number after the last {@code -} of the pod name. */
  static int ordinalOf(String podName) {
    int dash = podName.lastIndexOf('-');
    String digits = dash < 0 ? "" : podName.substring(dash + 1);
    if (digits.isEmpty() || digits.length() > 6 || !digits.chars().allMatch(Character::isDigit)) {
      throw LaunchException.badInput(
          "POD_NAME '"
              + podName
              + "' does not end in -<ordinal> (expected e.g. orders-controller-2)");
    }
    return Integer.parseInt(digits);
  }

  /** Every placeholder name the contract allows in the server.properties template. */
  public static final Set<String> PLACEHOLDER_NAMES =
      Set.of(
          POD_NAME,
          POD_NAMESPACE,
          POD_IP,
          QK_POD_HOST,
          QK_CONFIG_DIR,
          QK_DATA_DIR,
          QK_TOKEN_FILE,
          QK_TLS_DIR,
          "QK_NODE_ID");

  /**
   * The values {@code ${NAME}} placeholders in the server.properties template take; a name of
   * {@link #PLACEHOLDER_NAMES} is absent when its variable was not set.
   */
  public Map<String, String> placeholderValues(int nodeId) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(POD_NAME, podName);
    if (!podNamespace.isEmpty()) {
      values.put(POD_NAMESPACE, podNamespace);
    }
    values.put(POD_IP, podIp);
    values.put(QK_POD_HOST, podHost);
    values.put(QK_CONFIG_DIR, configDir.toString());
    values.put(QK_DATA_DIR, dataDir.toString());
    values.put(QK_TOKEN_FILE, tokenFile.toString());
    tlsDir.ifPresent(dir -> values.put(QK_TLS_DIR, dir.toString()));
    values.put("QK_NODE_ID", Integer.toString(nodeId));
    return values;
  }

  private static String required(Map<String, String> env, String name) {
    return optional(env, name)
        .orElseThrow(
            () ->
                LaunchException.badInput(
                    "environment variable " + name + " is not set (see docs/node-contract.md)"));
  }

  private static Optional<String> optional(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }
}
