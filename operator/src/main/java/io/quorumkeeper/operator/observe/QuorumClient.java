package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.model.UserRevocation;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a cluster's controller quorum from Kafka and changes its voter set. Implementations bound
 * every call in time.
 */
public interface QuorumClient extends AutoCloseable {

  /**
   * Kafka's view of the quorum.
   *
   * @param cluster namespace/name, to reuse connections per cluster
   * @param bootstrapControllers host:port of the controllers, comma-separated
   */
  RaftQuorum describe(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException;

  /** Kafka's view of the quorum, given up after {@code within} if the client's bound is longer. */
  default RaftQuorum describe(String cluster, String bootstrapControllers, Duration within)
      throws QuorumUnavailableException {
    return describe(cluster, bootstrapControllers);
  }

  /** Asks Kafka to add a caught-up observer as a voter, reachable at {@code host:port}. */
  void addVoter(
      String cluster, String bootstrapControllers, Incarnation voter, String host, int port)
      throws QuorumUnavailableException;

  /** Asks Kafka to remove one voter incarnation. */
  void removeVoter(String cluster, String bootstrapControllers, Incarnation voter)
      throws QuorumUnavailableException;

  /**
   * Each controller pod's own report from its agent ({@code /v1/node}), by node id; pods that do
   * not answer within the client's bound are absent. None by default.
   *
   * @param hosts each controller node id's pod host name
   * @param token the cluster's agent bearer token
   * @param tls whether the cluster runs TLS: its agents are then asked over HTTPS or not at all,
   *     never with the token in clear
   */
  default Map<Integer, AgentReport> agents(
      String cluster, Map<Integer, String> hosts, String token, boolean tls) {
    return Map.of();
  }

  /**
   * Every partition's replicas and in-sync replicas, with its topic's min.insync.replicas in force,
   * read from the brokers: what a rolling restart must not break. Unknown by default.
   *
   * @param bootstrapServers host:port of the brokers, comma-separated
   */
  default List<PartitionIsr> partitions(String cluster, String bootstrapServers)
      throws QuorumUnavailableException {
    throw new QuorumUnavailableException("this client does not read partition ISRs", null);
  }

  /**
   * What the brokers said of a cordon (KIP-1066) the operator asked for.
   *
   * @param cordoned brokers that report every log directory of theirs cordoned
   * @param absent brokers the cluster's metadata does not list as running (fenced, or gone): Kafka
   *     places no new replica on them while they are away
   */
  record Cordons(Set<Integer> cordoned, Set<Integer> absent) {}

  /**
   * Cordons every log directory of the brokers {@code ids} that run ({@code cordoned.log.dirs=*},
   * which needs metadata.version 4.3-IV0): each is asked what its directories say; one that reports
   * them cordoned is left as it is, and one that does not is asked to be if it is in {@code
   * mayAsk}, so it counts as cordoned only at a later call, once it reports it.
   *
   * @param bootstrapServers host:port of the brokers, comma-separated
   */
  default Cordons cordonBrokers(
      String cluster, String bootstrapServers, Set<Integer> ids, Set<Integer> mayAsk)
      throws QuorumUnavailableException {
    throw new QuorumUnavailableException("this client does not cordon brokers", null);
  }

  /**
   * Lifts the cordon ({@code cordoned.log.dirs} deleted) of each broker of {@code ids} that runs
   * (listed by the brokers), through the controllers, which Kafka lets lift a cordon (not set one)
   * and where the operator is allowed on either transport (ADR 045).
   *
   * @param bootstrapServers host:port of the brokers, comma-separated
   * @param bootstrapControllers host:port of the controllers, comma-separated
   * @return the brokers whose cordon is lifted
   */
  default Set<Integer> uncordonBrokers(
      String cluster, String bootstrapServers, String bootstrapControllers, Set<Integer> ids)
      throws QuorumUnavailableException {
    throw new QuorumUnavailableException("this client does not cordon brokers", null);
  }

  /**
   * Makes sure the anonymous client listener of a TLS cluster may use topics, groups and
   * transactional ids, and nothing on the cluster ({@link AnonymousClientAcls}); idempotent.
   *
   * @return how many ACLs were missing and are now created
   */
  default int grantAnonymousClients(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException {
    return grantClients(cluster, bootstrapControllers, "", ClientGrants.ANONYMOUS);
  }

  /**
   * Makes sure every client principal of {@code grants} may use topics, groups and transactional
   * ids and nothing on the cluster, and that Kafka holds each SCRAM user's credential for its
   * password; idempotent.
   *
   * @param bootstrapBrokers host:port of the brokers' replication listener, where the SCRAM
   *     credentials are written
   * @return how many ACLs and SCRAM credentials were missing (or outdated) and are now written
   */
  default int grantClients(
      String cluster, String bootstrapControllers, String bootstrapBrokers, ClientGrants grants)
      throws QuorumUnavailableException {
    throw new QuorumUnavailableException("this client does not manage ACLs", null);
  }

  /**
   * The client users Kafka holds: every ACL's principal (read through the controllers) and every
   * user with a SCRAM-SHA-512 credential (through the brokers' replication listener; none when
   * {@code bootstrapBrokers} is empty). Unknown by default.
   */
  default KafkaClientUsers clientUsers(
      String cluster, String bootstrapControllers, String bootstrapBrokers)
      throws QuorumUnavailableException {
    throw new QuorumUnavailableException("this client does not read client users", null);
  }

  /**
   * Deletes every ACL of the revocation's principals (whatever the resource, operation or host) and
   * its users' SCRAM-SHA-512 credentials.
   *
   * @return how many ACLs and SCRAM credentials were deleted
   */
  default int revokeClients(
      String cluster,
      String bootstrapControllers,
      String bootstrapBrokers,
      UserRevocation revocation)
      throws QuorumUnavailableException {
    throw new QuorumUnavailableException("this client does not revoke client users", null);
  }

  /**
   * The finalized {@code metadata.version} feature level, as the controllers report it (Admin
   * {@code describeFeatures}). Unknown by default.
   */
  default int finalizedMetadataVersion(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException {
    throw new QuorumUnavailableException("this client does not read features", null);
  }

  /**
   * The finalized {@code metadata.version}, given up after {@code within} if the bound is longer.
   */
  default int finalizedMetadataVersion(String cluster, String bootstrapControllers, Duration within)
      throws QuorumUnavailableException {
    return finalizedMetadataVersion(cluster, bootstrapControllers);
  }

  /**
   * Finalizes {@code metadata.version} at {@code level}, that feature alone (Admin {@code
   * updateFeatures}, an upgrade): never a release-wide upgrade, which would move {@code
   * kraft.version} too (ADR 014).
   */
  default void finalizeMetadataVersion(String cluster, String bootstrapControllers, short level)
      throws QuorumUnavailableException {
    throw new QuorumUnavailableException("this client does not update features", null);
  }

  /** Releases what is held for a cluster that is gone. */
  void forget(String cluster);

  @Override
  void close();

  /**
   * The operator's TLS material for a cluster (its {@code <cluster>-ca} Secret) was just written:
   * what was read of it before is not used any more. Nothing by default.
   */
  default void tlsChanged(String cluster) {}

  /**
   * Why this operator replica may not change anything a quorum runs on now (a voter change, a pod's
   * eviction or deletion), or empty when it may: the leader-only client asks the Lease (ADR 047); a
   * client without leader election always may.
   */
  default java.util.Optional<String> mayNotWrite() {
    return java.util.Optional.empty();
  }
}
