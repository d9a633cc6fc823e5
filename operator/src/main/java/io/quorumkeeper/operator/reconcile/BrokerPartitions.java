package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClientListener;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumObservation;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import io.quorumkeeper.operator.quorum.PartitionIsr;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * Every partition's replicas and ISR, read through a cluster's broker-role pods at most once per
 * pass: the roll (which broker may restart, {@link Rolling}) and a shrinking pool (which broker may
 * go, {@link BrokerScaleDown}) ask the same cluster-wide question, and brokers that do not answer
 * cost the pass the Admin timeout once, not twice.
 */
final class BrokerPartitions {

  private static final Logger LOG = Logger.getLogger(BrokerPartitions.class);

  private final QuorumClient quorum;
  private final QuorumCluster cr;
  private Optional<List<PartitionIsr>> read; // null until a pass asks

  BrokerPartitions(QuorumClient quorum, QuorumCluster cr) {
    this.quorum = quorum;
    this.cr = cr;
  }

  /**
   * The partitions, read through every broker-role pod of {@code pools} the first time this pass
   * asks, the same answer after; empty (unknown) when no broker answers.
   */
  Optional<List<PartitionIsr>> through(List<Pool> pools) {
    if (read == null) {
      read = readThrough(pools);
    }
    return read;
  }

  private Optional<List<PartitionIsr>> readThrough(List<Pool> pools) {
    // A TLS cluster's brokers are read as the operator, on the mutual-TLS replication listener.
    var identity = Identities.kept(cr.getStatus());
    int port =
        identity != null && identity.tls()
            ? Pool.REPLICATION_PORT
            : ClientListener.of(cr.getSpec(), identity).get(0).port();
    String bootstrap =
        pools.stream()
            .filter(p -> p.kind().hasBrokerRole())
            .flatMap(p -> IntStream.range(0, p.replicas()).mapToObj(i -> p.podHost(i) + ":" + port))
            .collect(Collectors.joining(","));
    if (bootstrap.isEmpty()) {
      return Optional.of(List.of());
    }
    try {
      return Optional.of(quorum.partitions(QuorumObservation.key(cr), bootstrap));
    } catch (QuorumUnavailableException e) {
      LOG.infof(
          "cluster=%s partition ISRs unknown, no broker-role pod restarts or goes: %s",
          QuorumObservation.key(cr), e.getMessage());
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.warnf("cluster=%s reading partition ISRs failed: %s", QuorumObservation.key(cr), e);
      return Optional.empty();
    }
  }
}
