package io.quorumkeeper.operator.reconcile;

import io.quorumkeeper.operator.observe.QuorumClient;
import io.quorumkeeper.operator.observe.QuorumUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The ACLs that let anonymous clients of a TLS cluster use topics, groups and transactional ids
 * (its authorizer refuses everything not granted, and grants nothing on the cluster itself: only
 * the operator and the nodes may change the quorum). They live in the cluster's metadata log; the
 * operator checks them once it sees a leader, again every {@link #RECHECK} (a user may have deleted
 * one), and creates what is missing. Until they exist the cluster is not Ready: a client would be
 * refused.
 */
final class ClientAccess {

  static final Duration RECHECK = Duration.ofMinutes(10);

  private static final Logger LOG = Logger.getLogger(ClientAccess.class);

  private final QuorumClient quorum;
  private final Clock clock;
  private final Map<String, Instant> checkedAt = new ConcurrentHashMap<>();

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
  Outcome ensure(String key, String bootstrapControllers, boolean leaderKnown) {
    Instant now = clock.instant();
    Instant last = checkedAt.get(key);
    if (last != null && now.isBefore(last.plus(RECHECK))) {
      return Outcome.granted(0);
    }
    if (!leaderKnown) {
      return Outcome.pending("the client ACLs are granted once the quorum has a leader");
    }
    try {
      int created = quorum.grantAnonymousClients(key, bootstrapControllers);
      checkedAt.put(key, now);
      if (created > 0) {
        LOG.infof("cluster=%s granted anonymous clients %d ACLs", key, created);
      }
      return Outcome.granted(created);
    } catch (QuorumUnavailableException e) {
      LOG.infof("cluster=%s client ACLs not checked: %s", key, e.getMessage());
      return Outcome.pending("the client ACLs could not be checked: " + e.getMessage());
    }
  }

  void forget(String key) {
    checkedAt.remove(key);
  }
}
