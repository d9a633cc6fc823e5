package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.api.v1alpha1.status.BootstrapStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import io.quorumkeeper.operator.model.ClusterIdentity;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.ConfigMapModel;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.quorum.AgentReport;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;

/**
 * Generates a cluster's lifelong identifiers once (Kafka's own {@link Uuid} for the cluster id and
 * the initial voters' directory ids) and reads them back from status ever after.
 */
final class Identities {

  private Identities() {}

  /**
   * The identity kept in status, if the cluster has one yet and it reads as one: a cluster id and
   * directory ids that are Kafka ids, node ids that are not negative. Anything else (status edited
   * by hand: a line break that would add a key to the launcher's bootstrap.properties, an id Kafka
   * cannot parse) counts as lost, and the identity is read back from the ConfigMaps instead.
   */
  static ClusterIdentity kept(QuorumClusterStatus status) {
    if (status == null || status.getClusterId() == null || status.getBootstrap() == null) {
      return null;
    }
    BootstrapStatus bootstrap = status.getBootstrap();
    if (!kafkaId(status.getClusterId())
        || bootstrap.getInitialVoters() == null
        || bootstrap.getInitialVoters().isEmpty()
        || !bootstrap.getInitialVoters().stream()
            .allMatch(v -> v != null && v.getNodeId() >= 0 && kafkaId(v.getDirectoryId()))) {
      return null;
    }
    // An identity written before transports existed belongs to a plaintext quorum (ADR 012), one
    // written before authenticated default listeners to a cluster with anonymous 9092 (ADR 015).
    return new ClusterIdentity(
        status.getClusterId(),
        bootstrap.getInitialVoters(),
        bootstrap.isFormed(),
        bootstrap.getTransport() == null ? Transport.Plaintext : bootstrap.getTransport(),
        bootstrap.getClientAuthentication());
  }

  /** Whether {@code text} is a Kafka id as {@link Uuid#toString()} writes one. */
  static boolean kafkaId(String text) {
    if (text == null) {
      return false;
    }
    try {
      return Uuid.fromString(text).toString().equals(text);
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The transport a new cluster gets: the one its spec asks for, TLS if none. */
  static Transport chosen(QuorumCluster cr) {
    var security = cr.getSpec().getSecurity();
    return security == null || security.getTransport() == null
        ? Transport.TLS
        : security.getTransport();
  }

  /** A new identity: the first {@code voters} controllers are the initial voters. */
  static ClusterIdentity generate(QuorumCluster cr) {
    Pool controllers = ClusterModel.pools(cr).get(0);
    int voters = cr.getSpec().getControllers().desiredVoters();
    List<VoterRef> initial = new ArrayList<>();
    for (int ordinal = 0; ordinal < voters; ordinal++) {
      initial.add(new VoterRef(controllers.nodeId(ordinal), Uuid.randomUuid().toString()));
    }
    Transport transport = chosen(cr);
    return new ClusterIdentity(
        Uuid.randomUuid().toString(),
        initial,
        false,
        transport,
        ClusterIdentity.defaultClients(transport));
  }

  /**
   * The identity in a controller pool's ConfigMaps, the newest first: each file from the newest map
   * that has it ({@code <pool>-bootstrap} and a {@code <pool>-config-<hash>}, or the legacy {@code
   * <pool>-config} with both), formed if any bootstrap.properties says so (it never goes back).
   */
  static Optional<ClusterIdentity> recover(List<ConfigMap> newestFirst) {
    Map<String, String> files = new HashMap<>();
    boolean formed = false;
    for (ConfigMap map : newestFirst) {
      if (map.getData() != null) {
        map.getData().forEach(files::putIfAbsent);
        formed |= recover(map).map(ClusterIdentity::formed).orElse(false);
      }
    }
    boolean anyFormed = formed;
    return recover(new ConfigMapBuilder().withData(files).build())
        .map(
            id ->
                new ClusterIdentity(
                    id.clusterId(),
                    id.initialVoters(),
                    anyFormed || id.formed(),
                    id.transport(),
                    id.clients()));
  }

  /**
   * The identity the launcher was given in a controller pool's ConfigMap ({@code
   * bootstrap.properties}: cluster id, formed flag, initial voters as {@code id@host:port:dir}),
   * with the transport its {@code server.properties} runs the CONTROLLER listener with, and
   * authenticated default clients unless it has an anonymous plaintext listener.
   */
  static Optional<ClusterIdentity> recover(ConfigMap map) {
    String text =
        map.getData() == null ? null : map.getData().get(ConfigMapModel.BOOTSTRAP_PROPERTIES);
    if (text == null) {
      return Optional.empty();
    }
    Properties bootstrap = new Properties();
    try {
      bootstrap.load(new StringReader(text));
      String clusterId = bootstrap.getProperty("cluster.id");
      String initial = bootstrap.getProperty("initial.controllers", "");
      if (clusterId == null || clusterId.isBlank() || initial.isBlank()) {
        return Optional.empty();
      }
      List<VoterRef> voters = new ArrayList<>();
      for (String voter : initial.split(",")) {
        int at = voter.indexOf('@');
        String directoryId = voter.substring(voter.lastIndexOf(':') + 1);
        voters.add(new VoterRef(Integer.parseInt(voter.substring(0, at)), directoryId));
      }
      String server = map.getData().get(ConfigMapModel.SERVER_PROPERTIES);
      Transport transport = transport(server);
      return Optional.of(
          new ClusterIdentity(
              clusterId,
              voters,
              Boolean.parseBoolean(bootstrap.getProperty("cluster.formed")),
              transport,
              anonymousListener(server)
                  ? ListenerAuthentication.NONE
                  : ClusterIdentity.defaultClients(transport)));
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  /** TLS when the CONTROLLER listener maps to SSL, else (older ConfigMaps too) Plaintext. */
  static Transport transport(String serverProperties) throws IOException {
    if (serverProperties == null) {
      return Transport.Plaintext;
    }
    Properties server = new Properties();
    server.load(new StringReader(serverProperties));
    String map = server.getProperty("listener.security.protocol.map", "");
    for (String entry : map.split(",")) {
      if (entry.strip().equals("CONTROLLER:SSL")) {
        return Transport.TLS;
      }
    }
    return Transport.Plaintext;
  }

  /**
   * Whether {@code server.properties} runs the anonymous listener a cluster without {@code
   * spec.listeners} gets when its clients do not authenticate: {@code PLAINTEXT://} over Kafka's
   * PLAINTEXT protocol (a listener a spec names {@code plaintext} may run SASL instead).
   */
  static boolean anonymousListener(String serverProperties) throws IOException {
    if (serverProperties == null) {
      return true;
    }
    Properties server = new Properties();
    server.load(new StringReader(serverProperties));
    boolean listed = false;
    for (String listener : server.getProperty("listeners", "").split(",")) {
      listed |= listener.strip().startsWith("PLAINTEXT://");
    }
    String protocol = "PLAINTEXT"; // Kafka maps a listener named after a protocol to it
    for (String entry : server.getProperty("listener.security.protocol.map", "").split(",")) {
      String[] nameAndProtocol = entry.strip().split(":", 2);
      if (nameAndProtocol.length == 2 && nameAndProtocol[0].equals("PLAINTEXT")) {
        protocol = nameAndProtocol[1];
      }
    }
    return listed && protocol.equals("PLAINTEXT");
  }

  /**
   * The cluster id on the disks of the controllers that are voters in a quorum (leader or follower:
   * Kafka answers a node of another cluster id with an error, so they all run the quorum's id),
   * when they name one; empty when none reports or they disagree. A disk just formatted from a
   * ConfigMap someone edited carries that ConfigMap's id and joins no quorum, so it is not counted.
   */
  static Optional<String> onDisks(Map<Integer, AgentReport> agents) {
    List<String> ids =
        agents.values().stream()
            .filter(
                a ->
                    "leader".equalsIgnoreCase(a.raftState())
                        || "follower".equalsIgnoreCase(a.raftState()))
            .map(AgentReport::diskClusterId)
            .flatMap(Optional::stream)
            .distinct()
            .toList();
    return ids.size() == 1 ? Optional.of(ids.get(0)) : Optional.empty();
  }

  static void writeTo(QuorumClusterStatus status, ClusterIdentity identity) {
    status.setClusterId(identity.clusterId());
    BootstrapStatus bootstrap = new BootstrapStatus();
    bootstrap.setFormed(identity.formed());
    bootstrap.setInitialVoters(new ArrayList<>(identity.initialVoters()));
    bootstrap.setTransport(identity.transport());
    bootstrap.setClientAuthentication(identity.clients());
    status.setBootstrap(bootstrap);
  }
}
