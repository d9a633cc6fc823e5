package io.quorumkeeper.local.client;

import io.quorumkeeper.local.InputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of {@code ./quorum-keeper kafka [OPTIONS] TOOL [ARGS...]}: the options before
 * the tool's name are this command's, everything from the tool's name on is the tool's, unchanged.
 *
 * @param cluster the QuorumCluster, empty for the only one in the namespace
 * @param listener the client listener to connect to, empty for the cluster's first
 * @param admin connect as the operator (its client certificate) to the replication listener
 * @param tool the tool's script name, empty with {@code --help}
 */
public record KafkaCommand(
    Optional<String> cluster,
    Optional<String> listener,
    boolean admin,
    String namespace,
    Optional<String> dir,
    Optional<String> hostsFile,
    Optional<String> tool,
    List<String> toolArgs) {

  public static final String USAGE =
      """
      usage: quorum-keeper kafka [--cluster NAME] [--listener NAME | --admin] [-n NAMESPACE] [--dir DIR]
                                 [--hosts-file FILE] TOOL [ARGS...]
        runs one of Kafka's tools against a cluster of the local runtime running on DIR: pod and Service
        names resolve through the runtime's hosts file; --bootstrap-server (the cluster's bootstrap
        Service on the listener's port) and --command-config (a temporary file with the listener's
        protocol, the cluster CA and the user of Secret <cluster>-<listener>-user) are added unless given.
        --cluster    the QuorumCluster (default: the only one in the namespace)
        --listener   one of spec.listeners by name (default: the first; without spec.listeners, the
                     cluster's own: clients on 9092, TLS + SCRAM, or plain on clusters from before)
        --admin      as the operator: its certificate from Secret <cluster>-ca on the replication listener
                     (9091), for what users may not do (kafka-metadata-quorum, kafka-acls). Local runtime only.
      tools: %s
      example: ./quorum-keeper kafka --listener scram kafka-topics --create --topic orders
      """
          .formatted(KafkaTools.names());

  /** Parses the arguments after {@code kafka}. */
  public static KafkaCommand parse(List<String> args) {
    String cluster = null;
    String listener = null;
    boolean admin = false;
    String namespace = "default";
    String dir = null;
    String hosts = null;
    int i = 0;
    for (; i < args.size() && args.get(i).startsWith("-"); i++) {
      String option = args.get(i);
      switch (option) {
        case "-h", "--help" -> {
          return usageOnly();
        }
        case "--admin" -> admin = true;
        case "--cluster" -> cluster = value(args, ++i, option);
        case "--listener" -> listener = value(args, ++i, option);
        case "-n", "--namespace" -> namespace = value(args, ++i, option);
        case "--dir" -> dir = value(args, ++i, option);
        case "--hosts-file" -> hosts = value(args, ++i, option);
        default ->
            throw new InputException(
                "unknown option "
                    + option
                    + " (the tool's own options go after its name)\n"
                    + USAGE);
      }
    }
    if (i == args.size()) {
      throw new InputException("kafka needs a tool\n" + USAGE);
    }
    String tool = args.get(i);
    if (KafkaTools.mainClass(tool).isEmpty()) {
      throw new InputException("unknown tool " + tool + "; the tools are: " + KafkaTools.names());
    }
    if (admin && listener != null) {
      throw new InputException("--admin and --listener exclude each other");
    }
    return new KafkaCommand(
        Optional.ofNullable(cluster),
        Optional.ofNullable(listener),
        admin,
        namespace,
        Optional.ofNullable(dir),
        Optional.ofNullable(hosts),
        Optional.of(tool),
        List.copyOf(args.subList(i + 1, args.size())));
  }

  private static KafkaCommand usageOnly() {
    return new KafkaCommand(
        Optional.empty(),
        Optional.empty(),
        false,
        "default",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        List.of());
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size() || args.get(i).startsWith("-")) {
      throw new InputException(option + " needs a value");
    }
    return args.get(i);
  }

  /** Whether this only asks for the usage. */
  public boolean help() {
    return tool.isEmpty();
  }

  /** Whether the tool is only asked for its own help: no cluster needed. */
  public boolean toolHelp() {
    return toolArgs.contains("--help") || toolArgs.contains("-h");
  }

  /**
   * The tool's arguments with the connection added in front (where the argparse tools take their
   * global options), unless the user gave it.
   */
  public List<String> argsWith(String bootstrap, String commandConfig) {
    List<String> all = new ArrayList<>();
    if (!toolArgs.contains("--bootstrap-server") && !toolArgs.contains("--bootstrap-controller")) {
      all.add("--bootstrap-server");
      all.add(bootstrap);
    }
    if (commandConfig != null && !toolArgs.contains("--command-config")) {
      all.add("--command-config");
      all.add(commandConfig);
    }
    all.addAll(toolArgs);
    return all;
  }
}
