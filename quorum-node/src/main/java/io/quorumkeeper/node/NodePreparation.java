package io.quorumkeeper.node;

import io.quorumkeeper.node.config.BootstrapSettings;
import io.quorumkeeper.node.config.ClientConnections;
import io.quorumkeeper.node.config.PodFacts;
import io.quorumkeeper.node.config.ProcessRole;
import io.quorumkeeper.node.config.RequestMemory;
import io.quorumkeeper.node.config.TemplateRenderer;
import io.quorumkeeper.node.storage.FormatDecider;
import io.quorumkeeper.node.storage.FormatDecision;
import io.quorumkeeper.node.storage.FormatFacts;
import io.quorumkeeper.node.storage.LeaderCheck;
import io.quorumkeeper.node.storage.MetaProperties;
import io.quorumkeeper.node.storage.StorageFormatter;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the launcher does before Kafka starts: read the ConfigMap, render server.properties,
 * decide how to treat the disk ({@link FormatDecider}) and format it with Kafka's StorageTool when
 * it is empty.
 */
public final class NodePreparation {

  static final String SERVER_PROPERTIES = "server.properties";
  private static final Logger LOG = LoggerFactory.getLogger(NodePreparation.class);

  private final Function<Properties, LeaderCheck> leaderCheckFor;

  /**
   * @param leaderCheckFor builds the leader check from the rendered server.properties (its {@code
   *     controller.quorum.bootstrap.servers} and the controller listener's security)
   */
  public NodePreparation(Function<Properties, LeaderCheck> leaderCheckFor) {
    this.leaderCheckFor = leaderCheckFor;
  }

  /** Renders and prepares in one go (see {@link #render} and {@link #prepare(Rendered)}). */
  public PreparedNode prepare(PodFacts pod) {
    return prepare(render(pod));
  }

  /**
   * The pod's settings and its rendered server.properties, written to the work directory; nothing
   * on the disk is looked at or changed yet.
   */
  public static Rendered render(PodFacts pod) {
    Properties bootstrapProps =
        readProperties(pod.configDir().resolve(BootstrapSettings.FILE_NAME));
    BootstrapSettings settings = BootstrapSettings.parse(bootstrapProps);
    Set<String> unknown = BootstrapSettings.unknownKeys(bootstrapProps);
    if (!unknown.isEmpty()) {
      LOG.warn("bootstrap.properties has keys this launcher does not know, ignored: {}", unknown);
    }
    int nodeId = settings.nodeIdOffset() + pod.ordinal();
    long heap = Runtime.getRuntime().maxMemory();
    String rendered =
        ClientConnections.appendTo(
            RequestMemory.appendTo(
                new TemplateRenderer(PodFacts.PLACEHOLDER_NAMES)
                    .render(
                        readText(pod.configDir().resolve(SERVER_PROPERTIES)),
                        pod.placeholderValues(nodeId)),
                heap),
            heap);
    Properties server = parse(rendered);
    NoConfigProviders.refuseIn(server);
    checkConsistent(server, settings, nodeId);
    Path metadataLogDir = metadataLogDir(server);
    Path serverProperties = write(pod.workDir(), rendered);
    LOG.info(
        "node {} ({}), roles {}: rendered {}, metadata log dir {}, request buffers at most {}"
            + " bytes per socket server and {} bytes per request, client listeners {}",
        nodeId,
        pod.podName(),
        ProcessRole.format(settings.roles()),
        serverProperties,
        metadataLogDir,
        server.getProperty(RequestMemory.POOL),
        server.getProperty(RequestMemory.REQUEST_MAX),
        ClientConnections.describe(server));
    return new Rendered(pod, settings, nodeId, server, serverProperties, metadataLogDir);
  }

  /**
   * A pod's settings and rendered server.properties.
   *
   * @param server the rendered properties, parsed
   * @param serverProperties where they were written
   */
  public record Rendered(
      PodFacts pod,
      BootstrapSettings settings,
      int nodeId,
      Properties server,
      Path serverProperties,
      Path metadataLogDir) {}

  /**
   * Decides how to treat the disk ({@link FormatDecider}, which may ask the controller peers) and
   * formats it when it is empty.
   */
  public PreparedNode prepare(Rendered rendered) {
    BootstrapSettings settings = rendered.settings();
    int nodeId = rendered.nodeId();
    Properties server = rendered.server();
    Path metadataLogDir = rendered.metadataLogDir();
    Path serverProperties = rendered.serverProperties();
    FormatFacts facts =
        new FormatFacts(
            nodeId,
            settings.roles(),
            settings.clusterId(),
            settings.clusterFormed(),
            settings.initialControllers(),
            MetaProperties.read(metadataLogDir));
    LeaderCheck leaderCheck = leaderCheckFor.apply(server);
    FormatDecision decision = FormatDecider.decide(facts, leaderCheck);
    if (decision instanceof FormatDecision.ClusterIdMismatch
        || decision instanceof FormatDecision.NodeIdMismatch) {
      throw new LaunchException(
          LaunchException.STORAGE_REFUSED, "node " + nodeId + ": " + decision.describe());
    }
    LOG.info("node {}: {}", nodeId, decision.describe());
    if (!(decision instanceof FormatDecision.AlreadyFormatted)) {
      StorageFormatter.format(decision, serverProperties, settings.clusterId());
    }
    MetaProperties meta =
        MetaProperties.read(metadataLogDir)
            .orElseThrow(
                () ->
                    new LaunchException(
                        LaunchException.FORMAT_FAILED,
                        "no meta.properties in " + metadataLogDir + " after formatting"));
    LOG.info(
        "node {}: cluster id {}, directory id {}", nodeId, meta.clusterId(), meta.directoryId());
    return new PreparedNode(nodeId, settings, serverProperties, metadataLogDir, decision, meta);
  }

  private static void checkConsistent(Properties server, BootstrapSettings settings, int nodeId) {
    String renderedNodeId = server.getProperty("node.id", "").trim();
    if (!renderedNodeId.equals(Integer.toString(nodeId))) {
      throw LaunchException.badInput(
          "server.properties renders node.id='"
              + renderedNodeId
              + "' but node.id.offset + ordinal = "
              + nodeId
              + "; the template should say node.id=${QK_NODE_ID}");
    }
    Set<ProcessRole> roles = ProcessRole.parseAll(server.getProperty("process.roles", ""));
    if (!roles.equals(settings.roles())) {
      throw LaunchException.badInput(
          "server.properties says process.roles="
              + ProcessRole.format(roles)
              + " but bootstrap.properties says "
              + ProcessRole.format(settings.roles()));
    }
  }

  /** Where meta.properties lives: {@code metadata.log.dir}, else the first of {@code log.dirs}. */
  private static Path metadataLogDir(Properties server) {
    String dir = server.getProperty("metadata.log.dir");
    if (dir == null || dir.isBlank()) {
      dir = server.getProperty("log.dirs", server.getProperty("log.dir", "")).split(",")[0];
    }
    if (dir.isBlank()) {
      throw LaunchException.badInput(
          "server.properties sets no log.dirs; expected log.dirs=${QK_DATA_DIR}");
    }
    return Path.of(dir.trim());
  }

  private static Path write(Path workDir, String rendered) {
    try {
      Files.createDirectories(workDir);
      Path file = workDir.resolve(SERVER_PROPERTIES);
      Files.writeString(file, rendered, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw LaunchException.badInput("cannot write server.properties into " + workDir + ": " + e);
    }
  }

  private static Properties parse(String text) {
    Properties props = new Properties();
    try {
      props.load(new StringReader(text));
    } catch (IOException | IllegalArgumentException e) {
      throw LaunchException.badInput("rendered server.properties is not a properties file: " + e);
    }
    return props;
  }

  private static Properties readProperties(Path file) {
    return parse(readText(file));
  }

  private static String readText(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw LaunchException.badInput("cannot read " + file + " (is the ConfigMap mounted?): " + e);
    }
  }
}
