package io.quorumkeeper.node.kafka;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.server.authorizer.AclCreateResult;
import org.apache.kafka.server.authorizer.AclDeleteResult;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.apache.kafka.server.authorizer.Authorizer;
import org.apache.kafka.server.authorizer.AuthorizerServerInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Plaintext cluster's authorizer (ADR 032, ADR 045): the requests that change the quorum's
 * membership or a broker's registration, and every change of the brokers' own configuration, are
 * for the cluster's own nodes and the operator alone, {@code User:quorum-keeper-node} ({@link
 * ControllerListenerPrincipalBuilder}); every other request is allowed to everyone, as on a
 * Plaintext cluster without it.
 *
 * <p>Without it, a client with no credentials that reached a broker's client listener (open to
 * every pod) could remove voters: a broker forwards AddRaftVoter and RemoveRaftVoter to the active
 * controller, and with no authorizer the controller asks no one. A forwarded request is judged with
 * the principal of the client that sent it to the broker, so it is refused here. The same client
 * could set dynamic broker configs (ALTER_CONFIGS on the cluster): the controllers apply them to
 * their own listener too, and {@code max.connections.per.ip=0} committed to the metadata log keeps
 * every new connection out of every node, restarts included, so the quorum is lost at the next
 * reconnect and the operator cannot undo it. Topic configs stay open.
 */
public final class VoterChangeGuard implements Authorizer {

  private static final Logger LOG = LoggerFactory.getLogger(VoterChangeGuard.class);

  /** The requests refused to anyone but the cluster's nodes and the operator. */
  static final Set<ApiKeys> GUARDED =
      Set.of(
          ApiKeys.ADD_RAFT_VOTER,
          ApiKeys.REMOVE_RAFT_VOTER,
          ApiKeys.UPDATE_RAFT_VOTER,
          ApiKeys.UNREGISTER_BROKER,
          ApiKeys.UPDATE_FEATURES);

  private static final Set<Short> GUARDED_IDS =
      GUARDED.stream().map(k -> k.id).collect(Collectors.toUnmodifiableSet());

  /** At most one log line per this many milliseconds, so that a caller who loops fills no disk. */
  private static final long LOG_EVERY_MS = 10_000;

  private final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
  private final AtomicLong refusedSinceLog = new AtomicLong();

  @Override
  public void configure(Map<String, ?> configs) {}

  @Override
  public Map<Endpoint, ? extends CompletionStage<Void>> start(AuthorizerServerInfo serverInfo) {
    return serverInfo.endpoints().stream()
        .collect(
            Collectors.toMap(
                Function.identity(), e -> CompletableFuture.<Void>completedFuture(null)));
  }

  @Override
  public List<AuthorizationResult> authorize(
      AuthorizableRequestContext context, List<Action> actions) {
    if (isNode(context.principal())) {
      return actions.stream().map(a -> AuthorizationResult.ALLOWED).toList();
    }
    if (GUARDED_IDS.contains((short) context.requestType())) {
      AuthorizationResult refused = refuse(context, "change the voters");
      return actions.stream().map(a -> refused).toList();
    }
    return actions.stream()
        .map(
            a ->
                altersBrokerConfigs(a)
                    ? refuse(context, "change the brokers' configuration")
                    : AuthorizationResult.ALLOWED)
        .toList();
  }

  /**
   * ALTER_CONFIGS on the cluster: what Kafka asks for a broker's or the cluster-wide broker
   * configuration (and broker loggers, client quotas, client metrics); a topic's is asked on the
   * topic, a group's on the group.
   */
  static boolean altersBrokerConfigs(Action action) {
    return action.operation() == AclOperation.ALTER_CONFIGS
        && action.resourcePattern().resourceType() == ResourceType.CLUSTER;
  }

  private static boolean isNode(KafkaPrincipal principal) {
    KafkaPrincipal node = ControllerListenerPrincipalBuilder.NODE;
    return principal != null
        && node.getPrincipalType().equals(principal.getPrincipalType())
        && node.getName().equals(principal.getName());
  }

  private AuthorizationResult refuse(AuthorizableRequestContext context, String what) {
    long refused = refusedSinceLog.incrementAndGet();
    long now = System.currentTimeMillis();
    long last = lastLogged.get();
    if ((last == Long.MIN_VALUE || now - last >= LOG_EVERY_MS)
        && lastLogged.compareAndSet(last, now)) {
      refusedSinceLog.addAndGet(-refused);
      LOG.warn(
          "refused {} from {} at {} on listener {} ({} refused since the last line): only the"
              + " cluster's nodes and the operator, on the controller listener, {}",
          ApiKeys.forId(context.requestType()).name,
          context.principal(),
          context.clientAddress(),
          context.listenerName(),
          refused,
          what);
    }
    return AuthorizationResult.DENIED;
  }

  @Override
  public List<? extends CompletionStage<AclCreateResult>> createAcls(
      AuthorizableRequestContext context, List<AclBinding> bindings) {
    return bindings.stream()
        .map(
            b ->
                CompletableFuture.completedFuture(
                    new AclCreateResult(
                        new InvalidRequestException(
                            "a Plaintext cluster keeps no ACLs; create the cluster with TLS"))))
        .toList();
  }

  @Override
  public List<? extends CompletionStage<AclDeleteResult>> deleteAcls(
      AuthorizableRequestContext context, List<AclBindingFilter> filters) {
    return filters.stream()
        .map(f -> CompletableFuture.completedFuture(new AclDeleteResult(List.of())))
        .toList();
  }

  @Override
  public Iterable<AclBinding> acls(AclBindingFilter filter) {
    return List.of();
  }

  @Override
  public void close() {}
}
