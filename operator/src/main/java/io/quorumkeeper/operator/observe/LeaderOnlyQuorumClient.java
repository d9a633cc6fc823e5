package io.quorumkeeper.operator.observe;

import io.quorumkeeper.operator.config.Leadership;
import io.quorumkeeper.operator.model.UserRevocation;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A quorum client that sends voter changes (and every other write to Kafka) only while this
 * operator replica may act: it holds the leader Lease, and the Lease read just before the change
 * says so and was renewed by it within the renew deadline ({@link Leadership#whyNotActing}). A
 * replica that lost the Lease, or was paused past it, may still be inside a reconcile until it
 * exits, and must not change the quorum the new leader now plans for. Reads pass through.
 */
public final class LeaderOnlyQuorumClient implements QuorumClient {

  private final QuorumClient delegate;
  private final Leadership leadership;

  public LeaderOnlyQuorumClient(QuorumClient delegate, Leadership leadership) {
    this.delegate = delegate;
    this.leadership = leadership;
  }

  @Override
  public RaftQuorum describe(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException {
    return delegate.describe(cluster, bootstrapControllers);
  }

  @Override
  public RaftQuorum describe(String cluster, String bootstrapControllers, java.time.Duration within)
      throws QuorumUnavailableException {
    return delegate.describe(cluster, bootstrapControllers, within);
  }

  @Override
  public void addVoter(
      String cluster, String bootstrapControllers, Incarnation voter, String host, int port)
      throws QuorumUnavailableException {
    requireLeadership("add voter " + voter);
    delegate.addVoter(cluster, bootstrapControllers, voter, host, port);
  }

  @Override
  public void removeVoter(String cluster, String bootstrapControllers, Incarnation voter)
      throws QuorumUnavailableException {
    requireLeadership("remove voter " + voter);
    delegate.removeVoter(cluster, bootstrapControllers, voter);
  }

  private void requireLeadership(String change) throws QuorumUnavailableException {
    java.util.Optional<String> why = mayNotWrite();
    if (why.isPresent()) {
      throw new QuorumUnavailableException(change + " not sent: " + why.get(), null);
    }
  }

  @Override
  public java.util.Optional<String> mayNotWrite() {
    return leadership.whyNotActing().map(why -> "operator " + leadership.identity() + " " + why);
  }

  @Override
  public Map<Integer, AgentReport> agents(
      String cluster, Map<Integer, String> hosts, String token, boolean tls) {
    return delegate.agents(cluster, hosts, token, tls);
  }

  @Override
  public List<PartitionIsr> partitions(String cluster, String bootstrapServers)
      throws QuorumUnavailableException {
    return delegate.partitions(cluster, bootstrapServers);
  }

  @Override
  public Cordons cordonBrokers(
      String cluster, String bootstrapServers, Set<Integer> ids, Set<Integer> mayAsk)
      throws QuorumUnavailableException {
    requireLeadership("cordon brokers");
    return delegate.cordonBrokers(cluster, bootstrapServers, ids, mayAsk);
  }

  @Override
  public Set<Integer> uncordonBrokers(
      String cluster, String bootstrapServers, String bootstrapControllers, Set<Integer> ids)
      throws QuorumUnavailableException {
    requireLeadership("lift a broker cordon");
    return delegate.uncordonBrokers(cluster, bootstrapServers, bootstrapControllers, ids);
  }

  @Override
  public int grantClients(
      String cluster, String bootstrapControllers, String bootstrapBrokers, ClientGrants grants)
      throws QuorumUnavailableException {
    requireLeadership("grant the client ACLs");
    return delegate.grantClients(cluster, bootstrapControllers, bootstrapBrokers, grants);
  }

  @Override
  public KafkaClientUsers clientUsers(
      String cluster, String bootstrapControllers, String bootstrapBrokers)
      throws QuorumUnavailableException {
    return delegate.clientUsers(cluster, bootstrapControllers, bootstrapBrokers);
  }

  @Override
  public int revokeClients(
      String cluster,
      String bootstrapControllers,
      String bootstrapBrokers,
      UserRevocation revocation)
      throws QuorumUnavailableException {
    requireLeadership("revoke the client users " + revocation.users());
    return delegate.revokeClients(cluster, bootstrapControllers, bootstrapBrokers, revocation);
  }

  @Override
  public int finalizedMetadataVersion(String cluster, String bootstrapControllers)
      throws QuorumUnavailableException {
    return delegate.finalizedMetadataVersion(cluster, bootstrapControllers);
  }

  @Override
  public int finalizedMetadataVersion(
      String cluster, String bootstrapControllers, java.time.Duration within)
      throws QuorumUnavailableException {
    return delegate.finalizedMetadataVersion(cluster, bootstrapControllers, within);
  }

  @Override
  public void finalizeMetadataVersion(String cluster, String bootstrapControllers, short level)
      throws QuorumUnavailableException {
    requireLeadership("finalize metadata.version " + level);
    delegate.finalizeMetadataVersion(cluster, bootstrapControllers, level);
  }

  @Override
  public void forget(String cluster) {
    delegate.forget(cluster);
  }

  @Override
  public void tlsChanged(String cluster) {
    delegate.tlsChanged(cluster);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
