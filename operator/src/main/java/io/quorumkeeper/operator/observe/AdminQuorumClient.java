package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.model.UserRevocation;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import io.quorumkeeper.operator.quorum.RaftReplica;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.AddRaftVoterOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeFeaturesOptions;
import org.apache.kafka.clients.admin.DescribeMetadataQuorumOptions;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.RaftVoterEndpoint;
import org.apache.kafka.clients.admin.RemoveRaftVoterOptions;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.jboss.logging.Logger;

/**
 * {@link QuorumClient} over Kafka's Admin API, talking to the controllers directly ({@code
 * bootstrap.controllers}). One Admin per cluster is kept and reused; every call is bounded by
 * {@code timeout}, so an unreachable cluster costs its observer thread at most that long.
 */
public class AdminQuorumClient implements QuorumClient {

  static final String METADATA_VERSION = "metadata.version";

  /** Agents answer from memory; one that takes longer than this is as good as down. */
  static final Duration AGENT_TIMEOUT = Duration.ofSeconds(1);

  private static final Logger LOG = Logger.getLogger(AdminQuorumClient.class);

  private final Duration timeout;
  private final AgentClient agents;
  private final IsrReader isrs;
  private final BrokerCordonWriter cordons;
  private final AdminConnections connections;
  private final ClusterTrust trust;
  private final ClientGrantWriter grantWriter;
  private final AdminConnections brokerConnections;

  /** A client for clusters that all run in plaintext. */
  public AdminQuorumClient(Duration timeout) {
    this(timeout, ClusterTrust.plaintext());
  }

  /** A client that reaches each TLS cluster with the operator's certificate for it. */
  public AdminQuorumClient(Duration timeout, ClusterTrust trust) {
    this.timeout = timeout;
    this.trust = trust;
    this.agents = new AgentClient(AGENT_TIMEOUT.compareTo(timeout) < 0 ? AGENT_TIMEOUT : timeout);
    AdminConnections isrConnections =
        new AdminConnections(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "quorum-keeper-isr-", timeout, trust);
    this.isrs = new IsrReader(timeout, isrConnections);
    this.grantWriter = new ClientGrantWriter(timeout);
    this.brokerConnections =
        new AdminConnections(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "quorum-keeper-users-", timeout, trust);
    this.connections =
        new AdminConnections(
            AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, "quorum-keeper-", timeout, trust);
    this.cordons = new BrokerCordonWriter(timeout, isrConnections, connections);
  }

  @Override
  public List<PartitionIsr> partitions(String cluster, String bootstrapServers)
      throws QuorumUnavailableException {
    return isrs.partitions(cluster, bootstrapServers);
  }

  @Override
  public Cordons cordonBrokers(
      String cluster, String bootstrapServers, Set<Integer> ids, Set<Integer> mayAsk)
      throws QuorumUnavailableException {
    return cordons.cordon(cluster, bootstrapServers, ids, mayAsk);
  }

  @Override
  public Set<Integer> uncordonBrokers(
      String cluster, String bootstrapServers, String bootstrapControllers, Set<Integer> ids)
      throws QuorumUnavailableException {
    return cordons.uncordon(cluster, bootstrapServers, bootstrapControllers, ids);
  }

  @Override
  public Map<Integer, AgentReport> agents(
      String cluster, Map<Integer, String> hosts, String token, boolean tls) {
    Optional<ClientTls> material = trust.of(cluster);
    if (tls && material.isEmpty()) {
      // The CA Secret is missing, unreadable or unusable (reported by the reconciler): the agents
      // serve HTTPS, and asking over HTTP would only put the token on the network in clear.
      LOG.debugf("cluster=%s runs TLS without usable CA material: agents not asked", cluster);
      return Map.of();
    }
    return agents.nodes(cluster, hosts, token, material);
  }

  @Override
  public RaftQuorum describe(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException {
    return describe(cluster, bootstrapControllers, timeout);
  }

  @Override
  public RaftQuorum describe(String cluster, String bootstrapControllers, Duration within)
      throws QuorumUnavailableException {
    Duration bound = within.compareTo(timeout) < 0 ? within : timeout;
    Admin admin = connect(cluster, bootstrapControllers);
    try {
      RaftQuorum quorum =
          toRaftQuorum(
              AdminCalls.await(
                  admin
                      .describeMetadataQuorum(
                          new DescribeMetadataQuorumOptions().timeoutMs((int) bound.toMillis()))
                      .quorumInfo(),
                  bound,
                  "describe the quorum",
                  "controller"));
      connections.answered(cluster);
      return quorum;
    } catch (QuorumUnavailableException e) {
      // An Admin that lost its controller can stay wedged on stale metadata ("waiting for a node
      // assignment"); the next observation then starts from the bootstrap list again. One that
      // never answered is still trying that list and is kept a while (AdminConnections.failed).
      // Nothing else is dropped: the TLS material and the agents' trust have their own refresh.
      connections.failed(cluster);
      throw e;
    }
  }

  @Override
  public void addVoter(
      String cluster, String bootstrapControllers, Incarnation voter, String host, int port)
      throws QuorumUnavailableException {
    Admin admin = connect(cluster, bootstrapControllers);
    change(
        admin
            .addRaftVoter(
                voter.nodeId(),
                Uuid.fromString(voter.directoryId()),
                Set.of(new RaftVoterEndpoint("CONTROLLER", host, port)),
                new AddRaftVoterOptions().timeoutMs((int) timeout.toMillis()))
            .all(),
        "add voter " + voter);
  }

  @Override
  public void removeVoter(String cluster, String bootstrapControllers, Incarnation voter)
      throws QuorumUnavailableException {
    Admin admin = connect(cluster, bootstrapControllers);
    change(
        admin
            .removeRaftVoter(
                voter.nodeId(),
                Uuid.fromString(voter.directoryId()),
                new RemoveRaftVoterOptions().timeoutMs((int) timeout.toMillis()))
            .all(),
        "remove voter " + voter);
  }

  @Override
  public int grantClients(
      String cluster, String bootstrapControllers, String bootstrapBrokers, ClientGrants grants)
      throws QuorumUnavailableException {
    Admin controllers = connect(cluster, bootstrapControllers);
    try {
      return grantWriter.grant(
          controllers, () -> brokerConnections.admin(cluster, bootstrapBrokers), cluster, grants);
    } catch (KafkaException e) {
      throw new QuorumUnavailableException("brokers not reachable: " + e.getMessage(), e);
    }
  }

  @Override
  public KafkaClientUsers clientUsers(
      String cluster, String bootstrapControllers, String bootstrapBrokers)
      throws QuorumUnavailableException {
    Admin controllers = connect(cluster, bootstrapControllers);
    try {
      return grantWriter.users(controllers, brokers(cluster, bootstrapBrokers));
    } catch (KafkaException e) {
      throw new QuorumUnavailableException("brokers not reachable: " + e.getMessage(), e);
    }
  }

  @Override
  public int revokeClients(
      String cluster,
      String bootstrapControllers,
      String bootstrapBrokers,
      UserRevocation revocation)
      throws QuorumUnavailableException {
    Admin controllers = connect(cluster, bootstrapControllers);
    try {
      return grantWriter.revoke(
          controllers, brokers(cluster, bootstrapBrokers), cluster, revocation);
    } catch (KafkaException e) {
      throw new QuorumUnavailableException("brokers not reachable: " + e.getMessage(), e);
    }
  }

  /** The brokers' Admin, connected when first asked for; null for a cluster without brokers. */
  private Supplier<Admin> brokers(String cluster, String bootstrapBrokers) {
    return bootstrapBrokers.isBlank()
        ? null
        : () -> brokerConnections.admin(cluster, bootstrapBrokers);
  }

  @Override
  public int finalizedMetadataVersion(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException {
    return finalizedMetadataVersion(cluster, bootstrapControllers, timeout);
  }

  @Override
  public int finalizedMetadataVersion(String cluster, String bootstrapControllers, Duration within)
      throws QuorumUnavailableException {
    Duration bound = within.compareTo(timeout) < 0 ? within : timeout;
    FinalizedVersionRange range =
        AdminCalls.await(
                connect(cluster, bootstrapControllers)
                    .describeFeatures(
                        new DescribeFeaturesOptions().timeoutMs((int) bound.toMillis()))
                    .featureMetadata(),
                bound,
                "describe the features",
                "controller")
            .finalizedFeatures()
            .get(METADATA_VERSION);
    if (range == null) {
      throw new QuorumUnavailableException("no finalized " + METADATA_VERSION, null);
    }
    return range.maxVersionLevel();
  }

  @Override
  public void finalizeMetadataVersion(String cluster, String bootstrapControllers, short level)
      throws QuorumUnavailableException {
    await(
        connect(cluster, bootstrapControllers)
            .updateFeatures(
                Map.of(
                    METADATA_VERSION, new FeatureUpdate(level, FeatureUpdate.UpgradeType.UPGRADE)),
                new UpdateFeaturesOptions().timeoutMs((int) timeout.toMillis()))
            .all(),
        "finalize " + METADATA_VERSION + " " + level);
  }

  private Admin connect(String cluster, String bootstrap) throws QuorumUnavailableException {
    try {
      return connections.admin(cluster, bootstrap);
    } catch (KafkaException e) {
      throw new QuorumUnavailableException("controllers not reachable: " + e.getMessage(), e);
    }
  }

  private <T> T await(KafkaFuture<T> future, String what) throws QuorumUnavailableException {
    return AdminCalls.await(future, timeout, what, "controller");
  }

  /** A voter change, whose refusal before anything was appended is told apart from a timeout. */
  private void change(KafkaFuture<Void> future, String what) throws QuorumUnavailableException {
    try {
      await(future, what);
    } catch (QuorumUnavailableException e) {
      if (VoterChangeRefused.beforeAppend(e.getCause())) {
        throw new VoterChangeRefused(e.getMessage(), e.getCause());
      }
      throw e;
    }
  }

  static RaftQuorum toRaftQuorum(QuorumInfo info) {
    return new RaftQuorum(
        info.leaderId() < 0 ? OptionalInt.empty() : OptionalInt.of(info.leaderId()),
        info.leaderEpoch(),
        info.highWatermark(),
        replicas(info.voters()),
        replicas(info.observers()));
  }

  private static List<RaftReplica> replicas(List<QuorumInfo.ReplicaState> states) {
    return states.stream()
        .map(
            s ->
                new RaftReplica(
                    s.replicaId(),
                    s.replicaDirectoryId().toString(),
                    s.logEndOffset(),
                    s.lastFetchTimestamp(),
                    s.lastCaughtUpTimestamp()))
        .toList();
  }

  @Override
  public void forget(String cluster) {
    isrs.forget(cluster);
    connections.forget(cluster);
    agents.forget(cluster);
    trust.forget(cluster);
    grantWriter.forget(cluster);
    brokerConnections.forget(cluster);
  }

  /** The next call reads the cluster's material again; connections made with other are replaced. */
  @Override
  public void tlsChanged(String cluster) {
    trust.forget(cluster);
  }

  @Override
  public void close() {
    connections.close();
    brokerConnections.close();
    isrs.close();
  }
}
