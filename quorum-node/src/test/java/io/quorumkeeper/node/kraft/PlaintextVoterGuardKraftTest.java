package io.quorumkeeper.node.kraft;

import static io.quorumkeeper.node.kraft.NodeProcesses.awaitForming;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a Plaintext cluster a client with no credentials reaches the brokers' client listener, and a
 * broker forwards AddRaftVoter and RemoveRaftVoter to the active controller: the quorum must refuse
 * them from such a client, while the operator's own calls on the controller listener, and every
 * other request of the anonymous client, go through (ADR 032).
 */
class PlaintextVoterGuardKraftTest {

  static final String NODES = "qk-guard";
  static final List<Pod> PODS =
      IntStream.range(0, 3).mapToObj(i -> new Pod(NODES, i, "127.0.83." + (10 + i))).toList();

  /** What the operator renders for a Plaintext cluster (operator's KafkaConfig). */
  static final String GUARD =
      """
      authorizer.class.name=io.quorumkeeper.node.kafka.VoterChangeGuard
      principal.builder.class=io.quorumkeeper.node.kafka.ControllerListenerPrincipalBuilder
      """;

  @TempDir Path root;
  private NodeProcesses nodes;

  @RegisterExtension final TestWatcher logsOnFailure = NodeProcesses.logsOnFailure(() -> nodes);

  @AfterEach
  void stop() {
    nodes.close();
  }

  @Test
  void anAnonymousClientOfTheClientListener_cannotRemoveAVoter_theControllerListenerCan()
      throws Exception {
    start(GUARD);

    try (ControllerAdmin operator = new ControllerAdmin(controllers());
        ControllerAdmin anonymous = anonymous()) {
      QuorumInfo formed = formed(operator, anonymous);
      QuorumInfo.ReplicaState follower = aFollower(formed);

      Throwable refused =
          catchThrowable(
              () ->
                  anonymous
                      .admin()
                      .removeRaftVoter(follower.replicaId(), follower.replicaDirectoryId())
                      .all()
                      .get(10, TimeUnit.SECONDS));
      assertThat(refused)
          .as("RemoveRaftVoter from an anonymous client of the client listener")
          .hasCauseInstanceOf(ClusterAuthorizationException.class);
      assertThat(
              NodeProcesses.voters(
                  anonymous.call(
                      a -> a.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS))))
          .as("the voters, described by the same anonymous client")
          .isEqualTo(NodeProcesses.voters(formed));
      anonymous
          .admin()
          .createTopics(List.of(new NewTopic("anyone-may", 1, (short) 3)))
          .all()
          .get(10, TimeUnit.SECONDS);
      assertThat(
              PODS.stream()
                  .map(p -> read(nodes.log(p)))
                  .anyMatch(log -> log.contains("refused RemoveRaftVoter from User:ANONYMOUS")))
          .as("the controller's log says who was refused")
          .isTrue();

      // ADR 045: the brokers' configuration is the nodes' and the operator's
      assertThat(catchThrowable(() -> alter(anonymous, "", NO_NEW_CONNECTIONS)))
          .as("a broker config change from an anonymous client of the client listener")
          .hasCauseInstanceOf(ClusterAuthorizationException.class);
      assertThat(describedByANewClient()).as("a new client still reaches the quorum").isTrue();

      remove(operator, follower);
      awaitForming("two voters left, by the operator's call on the controller listener")
          .until(operator::quorum, q -> q.voters().size() == 2);
    }
  }

  /**
   * The premise, on the same Kafka: without the two keys the anonymous client's removal commits. If
   * Kafka ever stops forwarding voter changes from brokers, this fails and says the guard's reason
   * has changed.
   */
  @Test
  void withoutTheGuard_anAnonymousClientOfTheClientListenerRemovesAVoter() throws Exception {
    start("");

    try (ControllerAdmin operator = new ControllerAdmin(controllers());
        ControllerAdmin anonymous = anonymous()) {
      QuorumInfo formed = formed(operator, anonymous);
      QuorumInfo.ReplicaState follower = aFollower(formed);

      remove(anonymous, follower);

      awaitForming("two voters left, by an anonymous client of 9092")
          .until(operator::quorum, q -> q.voters().size() == 2);
    }
  }

  /**
   * The premise of ADR 045, on the same Kafka: without the guard an anonymous client of the client
   * listener sets a broker-wide connection cap of 0, and the controllers apply it to their own
   * listener: no new connection reaches the quorum (a restarted voter, a broker, the operator), and
   * the setting lives in the metadata log.
   */
  @Test
  void withoutTheGuard_anAnonymousClientClosesTheControllerListenerToNewConnections()
      throws Exception {
    start("");

    try (ControllerAdmin operator = new ControllerAdmin(controllers());
        ControllerAdmin anonymous = anonymous()) {
      formed(operator, anonymous);
      assertThat(describedByANewClient()).as("before").isTrue();

      alter(anonymous, "", NO_NEW_CONNECTIONS);

      awaitForming("no new client reaches the controller listener")
          .until(() -> !describedByANewClient());
    }
  }

  /** Sets dynamic broker configs ({@code broker} "" is the cluster-wide default). */
  private static void alter(ControllerAdmin admin, String broker, Map<String, String> values)
      throws Exception {
    admin
        .admin()
        .incrementalAlterConfigs(
            Map.of(
                new ConfigResource(ConfigResource.Type.BROKER, broker),
                values.entrySet().stream()
                    .map(
                        e ->
                            new AlterConfigOp(
                                new ConfigEntry(e.getKey(), e.getValue()),
                                AlterConfigOp.OpType.SET))
                    .toList()))
        .all()
        .get(10, TimeUnit.SECONDS);
  }

  /**
   * No new connection per address, but for one no node uses (Kafka takes a cap of 0 only with an
   * override); connections already open stay.
   */
  private static final Map<String, String> NO_NEW_CONNECTIONS =
      Map.of("max.connections.per.ip", "0", "max.connections.per.ip.overrides", "127.0.0.99:100");

  /** Whether a client that connects now to the controller listener is told the quorum. */
  private static boolean describedByANewClient() {
    try (Admin fresh =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, controllers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000))) {
      return fresh.describeMetadataQuorum().quorumInfo().get(5, TimeUnit.SECONDS).leaderId() >= 0;
    } catch (Exception e) {
      return false;
    }
  }

  private static QuorumInfo.ReplicaState aFollower(QuorumInfo quorum) {
    return quorum.voters().stream()
        .filter(v -> v.replicaId() != quorum.leaderId())
        .findFirst()
        .orElseThrow();
  }

  private static void remove(ControllerAdmin admin, QuorumInfo.ReplicaState voter)
      throws Exception {
    admin
        .admin()
        .removeRaftVoter(voter.replicaId(), voter.replicaDirectoryId())
        .all()
        .get(10, TimeUnit.SECONDS);
  }

  private void start(String extraConfig) {
    nodes = NodeProcesses.forThisJvm(root);
    nodes.writeHosts(PODS);
    nodes.writeConfigMap(
        NODES,
        NodeProcesses.plaintextCombinedTemplate(controllers()) + extraConfig,
        NodeProcesses.controllerBootstrap(
                PODS, NodeProcesses.randomDirectoryIds(3), Uuid.randomUuid().toString(), false)
            .replace("process.roles=controller", "process.roles=broker,controller"));
    PODS.forEach(nodes::start);
  }

  private static String controllers() {
    return NodeProcesses.bootstrapControllers(PODS);
  }

  /** An Admin of the brokers' client listener, with no credentials. */
  private static ControllerAdmin anonymous() {
    String brokers = String.join(",", PODS.stream().map(p -> p.host() + ":9092").toList());
    return new ControllerAdmin(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers));
  }

  private static QuorumInfo formed(ControllerAdmin operator, ControllerAdmin anonymous) {
    QuorumInfo formed =
        awaitForming("a leader with two followers caught up")
            .until(
                operator::quorum,
                q -> q.leaderId() >= 0 && q.voters().stream().allMatch(v -> v.logEndOffset() > 0));
    awaitForming("three brokers registered")
        .until(
            () ->
                anonymous.call(
                    a -> a.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == 3));
    return formed;
  }

  private static String read(Path log) {
    try {
      return Files.readString(log);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
