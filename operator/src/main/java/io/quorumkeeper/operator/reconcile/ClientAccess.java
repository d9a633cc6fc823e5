package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.observe.ClientGrants;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.logging.Logger;

/**
 * The ACLs that let the clients of a TLS cluster use topics, groups and transactional ids:
 * anonymous ones where a listener lets them in, and each authenticated listener's user (its
 * authorizer refuses everything not granted, and grants nothing on the cluster itself: only the
 * operator and the nodes may change the quorum); and the SCRAM users' credentials. They live in the
 * cluster's metadata log; the operator checks them once it sees a leader, again every {@link
 * #RECHECK} (a user may have deleted one) or as soon as the grants change (a listener added, a
 * password renewed), and creates what is missing, in one Admin round trip per check. Until they
 * exist the cluster is not Ready: a client would be refused.
 */
final class ClientAccess {

  static final Duration RECHECK = Duration.ofMinutes(10);

  private static final Logger LOG = Logger.getLogger(ClientAccess.class);

  private final QuorumClient quorum;
  private final Clock clock;
  private final Map<String, Checked> checked = new ConcurrentHashMap<>();

  private record Checked(Instant at, ClientGrants grants) {}

  ClientAccess(QuorumClient quorum, Clock clock) {
    this.quorum = quorum;
    this.clock = clock;
  }

  /** What a pass learnt: empty when clients may connect, else why they cannot yet. */
  record Outcome(Optional<String> pending, int created) {
    static Outcome granted(int created) {
      return new Outcome(Optional.empty(), created);
    }

    static Outcome pending(String why) {
      return new Outcome(Optional.of(why), 0);
    }
  }

  /**
   * @param key the cluster's namespace/name
   * @param leaderKnown whether this pass saw the quorum elect a leader
   */
  Outcome ensure(String key, List<Pool> pools, boolean leaderKnown, ClientGrants grants) {
    String controllers =
        pools.stream()
            .filter(p -> p.kind().hasControllerRole())
            .findFirst()
            .map(Pool::controllerEndpoints)
            .orElse("");
    // SCRAM credentials go through the brokers, as the operator, on the replication listener.
    String brokers =
        pools.stream()
            .filter(p -> p.kind().hasBrokerRole())
            .flatMap(
                p ->
                    IntStream.range(0, p.replicas())
                        .mapToObj(i -> p.podHost(i) + ":" + Pool.REPLICATION_PORT))
            .collect(Collectors.joining(","));
    return ensure(key, controllers, brokers, leaderKnown, grants);
  }

  private Outcome ensure(
      String key,
      String bootstrapControllers,
      String bootstrapBrokers,
      boolean leaderKnown,
      ClientGrants grants) {
    Instant now = clock.instant();
    Checked last = checked.get(key);
    if (last != null && last.grants().equals(grants) && now.isBefore(last.at().plus(RECHECK))) {
      return Outcome.granted(0);
    }
    if (!leaderKnown) {
      return Outcome.pending("the client ACLs are granted once the quorum has a leader");
    }
    try {
      int created = quorum.grantClients(key, bootstrapControllers, bootstrapBrokers, grants);
      checked.put(key, new Checked(now, grants));
      if (created > 0) {
        LOG.infof(
            "cluster=%s wrote %d client ACLs and SCRAM credentials for %s",
            key, created, String.join(", ", grants.principals()));
      }
      return Outcome.granted(created);
    } catch (QuorumUnavailableException e) {
      LOG.infof("cluster=%s client ACLs not checked: %s", key, e.getMessage());
      return Outcome.pending("the client ACLs could not be checked: " + e.getMessage());
    }
  }

  void forget(String key) {
    checked.remove(key);
  }
}
