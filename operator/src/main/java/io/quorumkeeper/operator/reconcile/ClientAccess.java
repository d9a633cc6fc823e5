package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.UserRevocation;
import io.quorumkeeper.operator.observe.ClientGrants;
import io.quorumkeeper.operator.observe.KafkaClientUsers;
import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * exist the cluster is not Ready: a client would be refused. Once they are granted, the same check
 * revokes the users no listener needs any more ({@link UserRevocation}): two more reads (the ACL
 * principals, the SCRAM users), and the deletions when there is something to revoke. Not before a
 * pass has seen the quorum form: Kafka then holds no client user but those the same pass writes,
 * and the two reads would only make a new cluster's Ready wait; the next check (at {@link
 * #RECHECK}, or when the grants or the listeners change) revokes as usual.
 *
 * <p>A cluster that has never formed is granted as soon as one of its broker pods is Ready ({@link
 * LeaderEvidence#BROKER_READY}), before Kafka's Admin API has described its quorum: the description
 * and the grants then take their connections at the same time instead of one after the other. If
 * such a try fails, the grants wait for Kafka's description as before, so a cluster the operator
 * cannot reach does not hold a pass for the Admin timeout again and again.
 */
final class ClientAccess {

  static final Duration RECHECK = Duration.ofMinutes(10);

  /**
   * How long a revocation that could not ask Kafka waits before it tries again: the users are read
   * through the brokers, and with the brokers down each try would hold the pass (healing included)
   * for the Admin timeout.
   */
  static final Duration REVOKE_RETRY = Duration.ofSeconds(30);

  private static final Logger LOG = Logger.getLogger(ClientAccess.class);

  private final QuorumClient quorum;
  private final Clock clock;
  private final Map<String, Checked> checked = new ConcurrentHashMap<>();
  private final Map<String, String> revokeFailed = new ConcurrentHashMap<>();
  private final Set<String> earlyTryFailed = ConcurrentHashMap.newKeySet();

  private record Checked(Instant at, ClientGrants grants, Optional<UserRevocation.Wanted> wanted) {}

  ClientAccess(QuorumClient quorum, Clock clock) {
    this.quorum = quorum;
    this.clock = clock;
  }

  /** What tells the operator that the quorum has a leader the grants can be written through. */
  enum LeaderEvidence {
    /** Nothing yet. */
    NONE,
    /** A Ready broker pod of a cluster that has never formed; Kafka has not described it yet. */
    BROKER_READY,
    /** Kafka's Admin API described the quorum with a leader. */
    DESCRIBED
  }

  /**
   * What a pass learnt: empty when clients may connect, else why they cannot yet; and which users
   * it revoked in Kafka.
   */
  record Outcome(Optional<String> pending, int created, UserRevocation revoked) {
    static Outcome granted(int created, UserRevocation revoked) {
      return new Outcome(Optional.empty(), created, revoked);
    }

    static Outcome pending(String why) {
      return new Outcome(Optional.of(why), 0, UserRevocation.NONE);
    }
  }

  /**
   * @param key the cluster's namespace/name
   * @param leader what says the quorum has a leader
   * @param wanted what the current listeners need, to revoke every other user; empty: revoke
   *     nothing (the cluster is paused or its spec refused)
   * @param formedBefore whether a pass before this one saw the quorum form; if not, there is
   *     nothing to revoke yet
   */
  Outcome ensure(
      String key,
      List<Pool> pools,
      LeaderEvidence leader,
      ClientGrants grants,
      Optional<UserRevocation.Wanted> wanted,
      boolean formedBefore) {
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
    return ensure(key, controllers, brokers, leader, grants, wanted, formedBefore);
  }

  private Outcome ensure(
      String key,
      String bootstrapControllers,
      String bootstrapBrokers,
      LeaderEvidence leader,
      ClientGrants grants,
      Optional<UserRevocation.Wanted> wanted,
      boolean formedBefore) {
    Instant now = clock.instant();
    Checked last = checked.get(key);
    if (last != null
        && last.grants().equals(grants)
        && last.wanted().equals(wanted)
        && now.isBefore(last.at().plus(RECHECK))) {
      return Outcome.granted(0, UserRevocation.NONE);
    }
    if (leader == LeaderEvidence.NONE
        || (leader == LeaderEvidence.BROKER_READY && earlyTryFailed.contains(key))) {
      return Outcome.pending("the client ACLs are granted once the quorum has a leader");
    }
    try {
      int created = quorum.grantClients(key, bootstrapControllers, bootstrapBrokers, grants);
      if (created > 0) {
        LOG.infof(
            "cluster=%s wrote %d client ACLs and SCRAM credentials for %s",
            key, created, String.join(", ", grants.principals()));
      }
      Optional<UserRevocation> revoked =
          wanted.isEmpty() || !formedBefore
              ? Optional.of(UserRevocation.NONE)
              : revoke(key, bootstrapControllers, bootstrapBrokers, wanted.get());
      // After a failed revocation both are checked again in REVOKE_RETRY, not on every pass.
      checked.put(
          key,
          new Checked(
              revoked.isPresent() ? now : now.minus(RECHECK).plus(REVOKE_RETRY), grants, wanted));
      return Outcome.granted(created, revoked.orElse(UserRevocation.NONE));
    } catch (QuorumUnavailableException e) { // from the grants: a revocation catches its own
      if (leader == LeaderEvidence.BROKER_READY) {
        earlyTryFailed.add(key);
      }
      LOG.infof("cluster=%s client ACLs not checked: %s", key, e.getMessage());
      return Outcome.pending("the client ACLs could not be checked: " + e.getMessage());
    }
  }

  /**
   * Revokes in Kafka every user of the operator's form that no current listener needs, as Kafka
   * reports them (so a listener removed while the operator was down goes too). Never holds the
   * cluster back from Ready: a failure is one line, and the next pass tries again.
   *
   * @return what was revoked; empty when Kafka could not be asked or did not answer
   */
  private Optional<UserRevocation> revoke(
      String key, String controllers, String brokers, UserRevocation.Wanted wanted) {
    try {
      KafkaClientUsers present = quorum.clientUsers(key, controllers, brokers);
      UserRevocation revocation =
          UserRevocation.decide(wanted, present.aclPrincipals(), present.scramUsers());
      if (!revocation.isEmpty()) {
        int deleted = quorum.revokeClients(key, controllers, brokers, revocation);
        LOG.infof(
            "cluster=%s revoked what no current listener needs: %s (%d deleted in Kafka)",
            key, revocation, deleted);
      }
      revokeFailed.remove(key);
      return Optional.of(revocation);
    } catch (QuorumUnavailableException e) {
      // Once per cause: a pass that fails the same way again says so only at debug level.
      boolean again = e.getMessage().equals(revokeFailed.put(key, e.getMessage()));
      LOG.logf(
          again ? Logger.Level.DEBUG : Logger.Level.INFO,
          "cluster=%s client users not revoked, tried again in %d s: %s",
          key,
          REVOKE_RETRY.toSeconds(),
          e.getMessage());
      return Optional.empty();
    }
  }

  void forget(String key) {
    checked.remove(key);
    earlyTryFailed.remove(key);
    revokeFailed.remove(key);
  }
}
