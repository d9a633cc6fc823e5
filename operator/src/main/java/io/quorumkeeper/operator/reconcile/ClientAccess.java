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
 * principals, the SCRAM users), and the deletions when there is something to revoke. Not in the
 * pass that sees the quorum form: Kafka then holds no client user but those the same pass writes,
 * and the two reads would only make a new cluster's Ready wait; the next check (at {@link
 * #RECHECK}, or when the grants or the listeners change) revokes as usual.
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

  private record Checked(Instant at, ClientGrants grants, Optional<UserRevocation.Wanted> wanted) {}

  ClientAccess(QuorumClient quorum, Clock clock) {
    this.quorum = quorum;
    this.clock = clock;
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
   * @param leaderKnown whether this pass saw the quorum elect a leader
   * @param wanted what the current listeners need, to revoke every other user; empty: revoke
   *     nothing (the cluster is paused or its spec refused)
   * @param formedNow whether this pass saw the quorum form: there is nothing to revoke yet
   */
  Outcome ensure(
      String key,
      List<Pool> pools,
      boolean leaderKnown,
      ClientGrants grants,
      Optional<UserRevocation.Wanted> wanted,
      boolean formedNow) {
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
    return ensure(key, controllers, brokers, leaderKnown, grants, wanted, formedNow);
  }

  private Outcome ensure(
      String key,
      String bootstrapControllers,
      String bootstrapBrokers,
      boolean leaderKnown,
      ClientGrants grants,
      Optional<UserRevocation.Wanted> wanted,
      boolean formedNow) {
    Instant now = clock.instant();
    Checked last = checked.get(key);
    if (last != null
        && last.grants().equals(grants)
        && last.wanted().equals(wanted)
        && now.isBefore(last.at().plus(RECHECK))) {
      return Outcome.granted(0, UserRevocation.NONE);
    }
    if (!leaderKnown) {
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
          wanted.isEmpty() || formedNow
              ? Optional.of(UserRevocation.NONE)
              : revoke(key, bootstrapControllers, bootstrapBrokers, wanted.get());
      // After a failed revocation both are checked again in REVOKE_RETRY, not on every pass.
      checked.put(
          key,
          new Checked(
              revoked.isPresent() ? now : now.minus(RECHECK).plus(REVOKE_RETRY), grants, wanted));
      return Outcome.granted(created, revoked.orElse(UserRevocation.NONE));
    } catch (QuorumUnavailableException e) {
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
    revokeFailed.remove(key);
  }
}
