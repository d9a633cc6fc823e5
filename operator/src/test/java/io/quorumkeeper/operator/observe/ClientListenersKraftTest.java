package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.UserRevocation;
import io.quorumkeeper.operator.quorum.RaftReplica;
import io.quorumkeeper.operator.security.TlsSettings;
import io.quorumkeeper.operator.security.UserCredentials;
import io.quorumkeeper.operator.testing.KraftNodes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * examples/combined-listeners.yaml on three real nodes, its users' credentials made as the operator
 * makes them and written through the controllers as the operator writes them: a SCRAM client with
 * the Secret's password and a client with the Secret's certificate produce; a wrong password and a
 * missing certificate are refused; and neither user can touch the quorum. Then the users are
 * revoked as the operator revokes them when their listeners go: the SCRAM login is refused, and the
 * certificate, still valid, may do nothing.
 */
@ExtendWith(ClientListenersKraftTest.DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClientListenersKraftTest {

  static final String CLUSTER = "kafka/cl";
  static final int SCRAM_PORT = 9094;
  static final int MTLS_PORT = 9095;

  @TempDir static Path root;
  static KraftNodes nodes;
  static Pool pool;
  static AdminQuorumClient operator;
  static TlsQuorum quorum;
  static Map<String, String> scramUser;
  static Map<String, String> mtlsUser;

  @BeforeAll
  static void startThreeNodesAndWriteTheUsers() throws Exception {
    nodes = KraftNodes.fromExample(root, "combined-listeners.yaml", "cl", Transport.TLS);
    pool = nodes.pool();
    for (int ordinal = 0; ordinal < 3; ordinal++) {
      nodes.start(ordinal);
    }
    operator = new AdminQuorumClient(Duration.ofSeconds(3), cluster -> nodes.operatorTls());
    quorum = new TlsQuorum(operator, CLUSTER, pool);
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .until(() -> operator.describe(CLUSTER, quorum.controllers()).voters().size() == 3);
    awaitBrokers();
    String caPem = nodes.operatorTls().orElseThrow().caPem();
    UserCredentials credentials = new UserCredentials(TlsSettings.defaults());
    scramUser = credentials.scram("cl-scram-user", caPem, Map.of());
    mtlsUser =
        credentials.certificate(
            "cl-mtls-user", nodes.ca(), caPem, Map.of(), Instant.now(), new ArrayList<>());
  }

  @AfterAll
  static void stop() {
    if (operator != null) {
      operator.close();
    }
    if (nodes != null) {
      nodes.close();
    }
  }

  @Test
  @Order(1)
  void givenTheUsers_thenTheOperatorWritesTheirAclsAndScramCredentialOnceThroughTheControllers() {
    ClientGrants grants =
        new ClientGrants(
            false,
            List.of("cl-scram-user", "cl-mtls-user"),
            Map.of("cl-scram-user", scramUser.get(UserCredentials.PASSWORD)));

    assertThat(grant(grants)).isEqualTo(9); // 4 ACLs each, one SCRAM credential
    await().atMost(Duration.ofSeconds(10)).until(() -> grant(grants) == 0);
  }

  @Test
  @Order(2)
  void givenTheSecretsPassword_thenAScramClientCreatesATopicAndProduces() throws Exception {
    Map<String, Object> scram = scram(scramUser.get(UserCredentials.JAAS));
    try (Admin admin = Admin.create(clientConfig(scram, SCRAM_PORT))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                admin
                    .createTopics(List.of(new NewTopic("ledger", 3, (short) 3)))
                    .all()
                    .get(10, TimeUnit.SECONDS);
                return true;
              });
    }
    assertThat(produce(scram, SCRAM_PORT)).isNotNegative();
  }

  @Test
  @Order(3)
  void givenAWrongPassword_thenTheScramListenerRefusesTheLogin() {
    Map<String, Object> wrong = scram(UserCredentials.jaas("cl-scram-user", "not-the-password"));
    try (Admin admin = Admin.create(clientConfig(wrong, SCRAM_PORT))) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  @Order(4)
  void givenTheSecretsCertificate_thenATlsClientProducesAndWithoutOneItIsRefused()
      throws Exception {
    assertThat(produce(certificate(), MTLS_PORT)).isNotNegative();

    try (Admin admin = Admin.create(clientConfig(trustOnly(), MTLS_PORT))) {
      assertThatThrownBy(() -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(SslAuthenticationException.class);
    }
  }

  @Test
  @Order(5)
  void givenEitherUser_thenRemovingAVoterIsRefusedAndTheQuorumStays() throws Exception {
    RaftReplica follower = quorum.aFollower();
    for (var user :
        List.of(
            clientConfig(scram(scramUser.get(UserCredentials.JAAS)), SCRAM_PORT),
            clientConfig(certificate(), MTLS_PORT))) {
      try (Admin admin = Admin.create(user)) {
        assertThatThrownBy(
                () ->
                    admin
                        .removeRaftVoter(follower.nodeId(), Uuid.fromString(follower.directoryId()))
                        .all()
                        .get(20, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(ClusterAuthorizationException.class);
      }
    }
    assertThat(quorum.describe().voters()).hasSize(3);
  }

  @Test
  @Order(6)
  void givenTheScramListenerRemoved_thenRevocationRefusesItsLoginAndKeepsOtherPrincipalsAcls()
      throws Exception {
    assertThat(grant(new ClientGrants(false, List.of("alice", "other-scram-user"), Map.of())))
        .isEqualTo(8);
    Map<String, Object> scram =
        clientConfig(scram(scramUser.get(UserCredentials.JAAS)), SCRAM_PORT);
    try (Admin admin = Admin.create(scram)) {
      assertThat(admin.describeCluster().nodes().get(15, TimeUnit.SECONDS)).hasSize(3);
    }
    KafkaClientUsers before = clientUsers();
    assertThat(before.scramUsers()).contains("cl-scram-user");

    UserRevocation revocation =
        UserRevocation.decide(
            new UserRevocation.Wanted("cl", Set.of("cl-mtls-user"), Set.of()),
            before.aclPrincipals(),
            before.scramUsers());
    assertThat(revocation)
        .isEqualTo(new UserRevocation(Set.of("User:cl-scram-user"), Set.of("cl-scram-user")));
    assertThat(operator.revokeClients(CLUSTER, quorum.controllers(), brokers(), revocation))
        .isEqualTo(5); // its 4 ACLs and its SCRAM credential

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              try (Admin admin = Admin.create(scram)) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(15, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
              }
            });
    KafkaClientUsers after = clientUsers();
    assertThat(after.scramUsers()).doesNotContain("cl-scram-user");
    assertThat(aclsOf("User:cl-scram-user")).isEmpty();
    assertThat(aclsOf("User:alice")).hasSize(4);
    assertThat(aclsOf("User:other-scram-user")).hasSize(4);
    assertThat(aclsOf("User:cl-mtls-user")).hasSize(4);
  }

  @Test
  @Order(7)
  void givenTheTlsListenerRemoved_thenItsCertificateStillLogsInButEveryRequestIsRefused()
      throws Exception {
    KafkaClientUsers present = clientUsers();
    UserRevocation revocation =
        UserRevocation.decide(
            new UserRevocation.Wanted("cl", Set.of(), Set.of()),
            present.aclPrincipals(),
            present.scramUsers());
    assertThat(revocation.principals()).containsExactly("User:cl-mtls-user");

    assertThat(operator.revokeClients(CLUSTER, quorum.controllers(), brokers(), revocation))
        .isEqualTo(4);

    assertThat(aclsOf("User:cl-mtls-user")).isEmpty();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> produce(certificate(), MTLS_PORT))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(AuthorizationException.class));
    assertThat(aclsOf("User:alice")).as("another principal's ACLs stay").hasSize(4);
  }

  private static KafkaClientUsers clientUsers() throws QuorumUnavailableException {
    return operator.clientUsers(CLUSTER, quorum.controllers(), brokers());
  }

  private static String brokers() {
    return quorum.brokers(Pool.REPLICATION_PORT);
  }

  /** The ACLs Kafka holds for {@code principal}, read as the operator. */
  private static Collection<AclBinding> aclsOf(String principal) throws Exception {
    Map<String, Object> config = new HashMap<>(nodes.operatorTls().orElseThrow().kafkaProperties());
    config.put(AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG, quorum.controllers());
    try (Admin admin = Admin.create(config)) {
      return admin
          .describeAcls(
              new AclBindingFilter(
                  ResourcePatternFilter.ANY,
                  new AccessControlEntryFilter(
                      principal, null, AclOperation.ANY, AclPermissionType.ANY)))
          .values()
          .get(15, TimeUnit.SECONDS);
    }
  }

  /** SCRAM credentials go through the brokers: wait until all three serve the operator. */
  private static void awaitBrokers() {
    Map<String, Object> config = new HashMap<>(nodes.operatorTls().orElseThrow().kafkaProperties());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.brokers(Pool.REPLICATION_PORT));
    try (Admin admin = Admin.create(config)) {
      await()
          .atMost(Duration.ofSeconds(60))
          .ignoreExceptions()
          .until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == 3);
    }
  }

  private static int grant(ClientGrants grants) {
    try {
      return operator.grantClients(
          CLUSTER, quorum.controllers(), quorum.brokers(Pool.REPLICATION_PORT), grants);
    } catch (QuorumUnavailableException e) {
      throw new AssertionError(e);
    }
  }

  /** As docs/security.md tells a SCRAM client to connect. */
  private static Map<String, Object> scram(String jaas) {
    Map<String, Object> config = trustOnly();
    config.put("security.protocol", "SASL_SSL");
    config.put("sasl.mechanism", "SCRAM-SHA-512");
    config.put("sasl.jaas.config", jaas);
    return config;
  }

  /** As docs/security.md tells a certificate client to connect. */
  private static Map<String, Object> certificate() {
    Map<String, Object> config = trustOnly();
    config.put("ssl.keystore.type", "PEM");
    config.put("ssl.keystore.certificate.chain", mtlsUser.get(UserCredentials.USER_CERT));
    config.put("ssl.keystore.key", mtlsUser.get(UserCredentials.USER_KEY));
    return config;
  }

  private static Map<String, Object> trustOnly() {
    Map<String, Object> config = new HashMap<>();
    config.put("security.protocol", "SSL");
    config.put("ssl.truststore.type", "PEM");
    config.put("ssl.truststore.certificates", mtlsUser.get(UserCredentials.CA_CERT));
    return config;
  }

  private static long produce(Map<String, Object> security, int port) throws Exception {
    Map<String, Object> config = new HashMap<>(security);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.brokers(port));
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
      return producer
          .send(new ProducerRecord<>("ledger", "k", "v"))
          .get(30, TimeUnit.SECONDS)
          .offset();
    }
  }

  private static Map<String, Object> clientConfig(Map<String, Object> security, int port) {
    Map<String, Object> config = new HashMap<>(security);
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.brokers(port));
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    return config;
  }

  /** On failure, the nodes' logs say why. */
  static class DumpLogsOnFailure implements TestWatcher {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      if (nodes != null) {
        System.err.println(nodes.tailOfLogs(60));
      }
    }
  }
}
