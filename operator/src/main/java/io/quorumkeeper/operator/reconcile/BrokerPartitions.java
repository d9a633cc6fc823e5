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
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * Every partition's replicas and ISR, read through a cluster's broker-role pods at most once per
 * pass: the roll (which broker may restart, {@link Rolling}) and a shrinking pool (which broker may
 * go, {@link BrokerScaleDown}) ask the same cluster-wide question, and brokers that do not answer
 * cost the pass the Admin timeout once, not twice. The cordons of leaving brokers ({@link
 * BrokerCordons}) go the same way.
 */
final class BrokerPartitions {

  private static final Logger LOG = Logger.getLogger(BrokerPartitions.class);

  private final QuorumClient quorum;
  private final QuorumCluster cr;
  private Optional<List<PartitionIsr>> read; // null until a pass asks
  private String lastFailure = "no broker answers";

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

  /**
   * Cordons the brokers of {@code mayAsk} among {@code ids} through every broker-role pod of {@code
   * pools} ({@link QuorumClient#cordonBrokers}); empty when no broker answers.
   */
  Optional<QuorumClient.Cordons> cordon(List<Pool> pools, Set<Integer> ids, Set<Integer> mayAsk) {
    return call(
        "cordoning brokers " + ids,
        bootstrap(pools),
        b -> quorum.cordonBrokers(key(), b, ids, mayAsk));
  }

  /**
   * Lifts the cordon of the brokers {@code ids} that run ({@link QuorumClient#uncordonBrokers});
   * empty when no broker answers.
   */
  Optional<Set<Integer>> uncordon(List<Pool> pools, Set<Integer> ids) {
    String controllers = QuorumObservation.controllerBootstrap(cr);
    return call(
        "lifting the cordon of brokers " + ids,
        bootstrap(pools),
        b -> quorum.uncordonBrokers(key(), b, controllers, ids));
  }

  private Optional<List<PartitionIsr>> readThrough(List<Pool> pools) {
    String bootstrap = bootstrap(pools);
    if (bootstrap.isEmpty()) {
      return Optional.of(List.of()); // no broker, no partition
    }
    return call("reading partition ISRs", bootstrap, b -> quorum.partitions(key(), b));
  }

  private interface BrokerCall<T> {
    T on(String bootstrap) throws QuorumUnavailableException;
  }

  private <T> Optional<T> call(String what, String bootstrap, BrokerCall<T> call) {
    if (bootstrap.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(call.on(bootstrap));
    } catch (QuorumUnavailableException e) {
      LOG.infof("cluster=%s %s: %s", key(), what, e.getMessage());
      lastFailure = e.getMessage();
      return Optional.empty();
    } catch (RuntimeException e) {
      LOG.warnf("cluster=%s %s failed: %s", key(), what, e);
      lastFailure = String.valueOf(e);
      return Optional.empty();
    }
  }

  /** Why the last call that came back empty did, for a message. */
  String lastFailure() {
    return lastFailure;
  }

  private String key() {
    return QuorumObservation.key(cr);
  }

  private String bootstrap(List<Pool> pools) {
    // A TLS cluster's brokers are read as the operator, on the mutual-TLS replication listener.
    var identity = Identities.kept(cr.getStatus());
    int port =
        identity != null && identity.tls()
            ? Pool.REPLICATION_PORT
            : ClientListener.of(cr.getSpec(), identity).get(0).port();
    return pools.stream()
        .filter(p -> p.kind().hasBrokerRole())
        .flatMap(p -> IntStream.range(0, p.replicas()).mapToObj(i -> p.podHost(i) + ":" + port))
        .collect(Collectors.joining(","));
  }
}
