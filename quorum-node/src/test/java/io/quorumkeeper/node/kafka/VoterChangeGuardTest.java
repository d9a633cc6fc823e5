package io.quorumkeeper.node.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Endpoint;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.server.authorizer.Action;
import org.apache.kafka.server.authorizer.AuthorizableRequestContext;
import org.apache.kafka.server.authorizer.AuthorizationResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class VoterChangeGuardTest {

  static final KafkaPrincipal ANONYMOUS = KafkaPrincipal.ANONYMOUS;
  static final KafkaPrincipal NODE = new KafkaPrincipal("User", "quorum-keeper-node");
  static final List<Action> CLUSTER_ALTER =
      List.of(
          new Action(
              AclOperation.ALTER,
              new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
              1,
              true,
              true));

  private final VoterChangeGuard guard = new VoterChangeGuard();

  @ParameterizedTest
  @EnumSource(ApiKeys.class)
  void onlyTheVoterAndRegistrationChanges_areKeptForTheNodes(ApiKeys api) {
    boolean guarded =
        switch (api) {
          case ADD_RAFT_VOTER,
              REMOVE_RAFT_VOTER,
              UPDATE_RAFT_VOTER,
              UNREGISTER_BROKER,
              UPDATE_FEATURES ->
              true;
          default -> false;
        };

    assertThat(guard.authorize(context(api, ANONYMOUS, "PLAINTEXT"), CLUSTER_ALTER))
        .as("%s from an anonymous client", api)
        .containsExactly(guarded ? AuthorizationResult.DENIED : AuthorizationResult.ALLOWED);
    assertThat(guard.authorize(context(api, NODE, "CONTROLLER"), CLUSTER_ALTER))
        .as("%s from a node or the operator", api)
        .containsExactly(AuthorizationResult.ALLOWED);
  }

  @Test
  void aPrincipalThatOnlyLooksLikeTheNodes_isRefused() {
    for (KafkaPrincipal other :
        List.of(
            new KafkaPrincipal("Group", "quorum-keeper-node"),
            new KafkaPrincipal("User", "quorum-keeper-node "),
            new KafkaPrincipal("User", "quorum-keeper-operator"))) {
      assertThat(
              guard.authorize(
                  context(ApiKeys.REMOVE_RAFT_VOTER, other, "PLAINTEXT"), CLUSTER_ALTER))
          .as("%s", other)
          .containsExactly(AuthorizationResult.DENIED);
    }
  }

  @Test
  void everyActionOfARequest_getsTheSameAnswer() {
    List<Action> three = List.of(CLUSTER_ALTER.get(0), CLUSTER_ALTER.get(0), CLUSTER_ALTER.get(0));
    assertThat(guard.authorize(context(ApiKeys.ADD_RAFT_VOTER, ANONYMOUS, "PLAINTEXT"), three))
        .containsExactly(
            AuthorizationResult.DENIED, AuthorizationResult.DENIED, AuthorizationResult.DENIED);
  }

  /**
   * A broker's or the cluster-wide broker configuration (ALTER_CONFIGS on the cluster) is the
   * nodes' and the operator's alone (ADR 045); a topic's stays open, each action of a request
   * judged on its own.
   */
  @ParameterizedTest
  @EnumSource(
      value = ApiKeys.class,
      names = {"INCREMENTAL_ALTER_CONFIGS", "ALTER_CONFIGS", "ALTER_CLIENT_QUOTAS"})
  void brokerConfigChanges_areKeptForTheNodes_topicConfigChangesAreNot(ApiKeys api) {
    Action brokers = action(AclOperation.ALTER_CONFIGS, ResourceType.CLUSTER, "kafka-cluster");
    Action topic = action(AclOperation.ALTER_CONFIGS, ResourceType.TOPIC, "orders");
    Action describe = action(AclOperation.DESCRIBE_CONFIGS, ResourceType.CLUSTER, "kafka-cluster");

    assertThat(guard.authorize(context(api, ANONYMOUS, "PLAINTEXT"), List.of(brokers, topic)))
        .containsExactly(AuthorizationResult.DENIED, AuthorizationResult.ALLOWED);
    assertThat(guard.authorize(context(api, ANONYMOUS, "PLAINTEXT"), List.of(describe)))
        .containsExactly(AuthorizationResult.ALLOWED);
    assertThat(guard.authorize(context(api, NODE, "CONTROLLER"), List.of(brokers, topic)))
        .containsExactly(AuthorizationResult.ALLOWED, AuthorizationResult.ALLOWED);
  }

  private static Action action(AclOperation operation, ResourceType type, String name) {
    return new Action(
        operation, new ResourcePattern(type, name, PatternType.LITERAL), 1, true, true);
  }

  @Test
  void itKeepsNoAcls_andStartsEveryListenerAtOnce() {
    assertThat(guard.acls(AclBindingFilter.ANY)).isEmpty();
    assertThat(guard.createAcls(context(ApiKeys.CREATE_ACLS, NODE, "CONTROLLER"), List.of()))
        .isEmpty();
    Endpoint controller = new Endpoint("CONTROLLER", SecurityProtocol.PLAINTEXT, "h", 9093);
    Endpoint clients = new Endpoint("PLAINTEXT", SecurityProtocol.PLAINTEXT, "h", 9092);
    Map<Endpoint, ?> started =
        guard.start(
            new org.apache.kafka.server.authorizer.AuthorizerServerInfo() {
              @Override
              public org.apache.kafka.common.ClusterResource clusterResource() {
                return new org.apache.kafka.common.ClusterResource("c");
              }

              @Override
              public int brokerId() {
                return 0;
              }

              @Override
              public java.util.Collection<Endpoint> endpoints() {
                return List.of(controller, clients);
              }

              @Override
              public Endpoint interBrokerEndpoint() {
                return clients;
              }

              @Override
              public java.util.Collection<String> earlyStartListeners() {
                return List.of();
              }
            });
    assertThat(started).containsOnlyKeys(controller, clients);
    assertThat(started.values())
        .allSatisfy(
            stage ->
                assertThat(
                        ((java.util.concurrent.CompletionStage<?>) stage)
                            .toCompletableFuture()
                            .isDone())
                    .isTrue());
  }

  private static AuthorizableRequestContext context(
      ApiKeys api, KafkaPrincipal principal, String listener) {
    return new AuthorizableRequestContext() {
      @Override
      public String listenerName() {
        return listener;
      }

      @Override
      public SecurityProtocol securityProtocol() {
        return SecurityProtocol.PLAINTEXT;
      }

      @Override
      public KafkaPrincipal principal() {
        return principal;
      }

      @Override
      public InetAddress clientAddress() {
        return InetAddress.getLoopbackAddress();
      }

      @Override
      public int requestType() {
        return api.id;
      }

      @Override
      public int requestVersion() {
        return 0;
      }

      @Override
      public String clientId() {
        return "test";
      }

      @Override
      public int correlationId() {
        return 1;
      }
    };
  }
}
