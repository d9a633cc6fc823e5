package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.quorum.AgentReport;
import io.quorumkeeper.operator.quorum.Incarnation;
import io.quorumkeeper.operator.quorum.RaftQuorum;
import io.quorumkeeper.operator.quorum.RaftReplica;
import io.quorumkeeper.operator.security.IssuedCertificate;
import io.quorumkeeper.operator.testing.KraftNodes;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
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
 * Invariant 10 against three real Combined nodes rendered and certified exactly as the operator
 * does for a TLS cluster: the operator's certificate describes and changes the quorum; no other
 * client can change it, whether anonymous on the client listener, without a certificate, or with a
 * certificate of the cluster's own CA that names someone else. Anonymous clients still get the
 * topics the operator's ACLs grant them.
 */
@ExtendWith(SecureQuorumKraftTest.DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecureQuorumKraftTest {

  static final String CLUSTER = "kafka/sq";

  @TempDir static Path root;
  static KraftNodes nodes;
  static Pool pool;
  static AdminQuorumClient operator;
  static TlsQuorum quorum;

  @BeforeAll
  static void startThreeTlsNodes() throws Exception {
    nodes = KraftNodes.fromExample(root, "combined.yaml", "sq", Transport.TLS);
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
  void givenTheOperatorsCertificate_thenItReadsTheQuorumAndTheAgentsOverTls() {
    RaftQuorum described = quorum.describe();
    assertThat(described.leaderId()).isPresent();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> operator.agents(CLUSTER, nodes.podHosts(), KraftNodes.AGENT_TOKEN, true),
            a ->
                a.size() == 3
                    && a.values().stream()
                        .allMatch(
                            r ->
                                Integer.valueOf(described.leaderId().getAsInt())
                                    .equals(r.leaderId())));
    assertThat(operator.agents(CLUSTER, nodes.podHosts(), "wrong-token", true)).isEmpty();
  }

  @Test
  @Order(2)
  void givenTheAnonymousClientListener_thenTopicsWorkOnceGrantedAndTheQuorumIsOutOfReach()
      throws Exception {
    assertThat(operator.grantAnonymousClients(CLUSTER, quorum.controllers())).isEqualTo(4);
    // The grants are metadata records: once committed, a second look finds all of them.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> operator.grantAnonymousClients(CLUSTER, quorum.controllers()) == 0);

    try (Admin anonymous = Admin.create(clientConfig(quorum.brokers(Pool.KAFKA_PORT)))) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(
              () -> {
                anonymous
                    .createTopics(
                        List.of(
                            new NewTopic("orders", 3, (short) 3)
                                .configs(Map.of("min.insync.replicas", "2"))))
                    .all()
                    .get(10, TimeUnit.SECONDS);
                return true;
              });
      try (KafkaProducer<String, String> producer = producer(quorum.brokers(Pool.KAFKA_PORT))) {
        assertThat(
                producer.send(new ProducerRecord<>("orders", "k", "v")).get(30, TimeUnit.SECONDS))
            .satisfies(m -> assertThat(m.offset()).isNotNegative());
      }
      RaftReplica follower = quorum.aFollower();
      assertThatThrownBy(
              () ->
                  anonymous
                      .removeRaftVoter(follower.nodeId(), Uuid.fromString(follower.directoryId()))
                      .all()
                      .get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(ClusterAuthorizationException.class);
    }
    assertThat(quorum.describe().voters()).hasSize(3);
  }

  @Test
  @Order(3)
  void givenNoCertificateOrAStrangersCertificate_thenTheControllersRefuseTheVoterChange()
      throws Exception {
    RaftReplica follower = quorum.aFollower();
    Map<String, Object> noCertificate = clientConfig(Map.of(), quorum.controllers(), true);
    noCertificate.put("security.protocol", "SSL");
    noCertificate.put("ssl.truststore.type", "PEM");
    noCertificate.put("ssl.truststore.certificates", nodes.operatorTls().orElseThrow().caPem());
    try (Admin admin = Admin.create(noCertificate)) {
      assertThatThrownBy(() -> removeWith(admin, follower))
          .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    IssuedCertificate stranger =
        nodes.ca().issue("intruder", List.of(), Duration.ofDays(1), Instant.now());
    ClientTls strangerTls =
        new ClientTls(
            nodes.operatorTls().orElseThrow().caPem(),
            stranger.certificatePem(),
            stranger.keyPem());
    try (Admin admin =
        Admin.create(clientConfig(strangerTls.kafkaProperties(), quorum.controllers(), true))) {
      assertThatThrownBy(() -> removeWith(admin, follower))
          .hasCauseInstanceOf(ClusterAuthorizationException.class);
    }
    assertThat(quorum.describe().voters()).hasSize(3);
  }

  @Test
  @Order(4)
  void givenTheOperatorsCertificate_thenItRemovesAndAddsBackAVoter() throws Exception {
    RaftReplica follower = quorum.aFollower();
    Incarnation voter = new Incarnation(follower.nodeId(), follower.directoryId());
    operator.removeVoter(CLUSTER, quorum.controllers(), voter);
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> quorum.describe().voters().size() == 2);

    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              operator.addVoter(
                  CLUSTER,
                  quorum.controllers(),
                  voter,
                  pool.podHost(follower.nodeId()),
                  Pool.CONTROLLER_PORT);
              return true;
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(() -> quorum.describe().voters().size() == 3);
  }

  /**
   * Each agent's report carries the end of the certificate its node loaded at start, read from the
   * TLS handshake: a renewed certificate in the mounted files does not reach it before a restart,
   * so the report says what the pod runs, not what its Secret holds (ADR 042).
   */
  @Test
  @Order(5)
  void givenAgentsOverTls_thenEachReportCarriesTheEndOfTheCertificateItsNodeLoaded()
      throws Exception {
    Map<Integer, Instant> loaded = new HashMap<>();
    for (int ordinal = 0; ordinal < 3; ordinal++) {
      loaded.put(pool.nodeId(ordinal), notAfter(pemOf(ordinal)));
    }
    String before = Files.readString(pemOf(1));
    IssuedCertificate renewed =
        nodes
            .ca()
            .issue(pool.podName(1), List.of(pool.podHost(1)), Duration.ofDays(3), Instant.now());
    Files.writeString(pemOf(1), renewed.keyPem() + renewed.certificatePem());
    try {
      Map<Integer, AgentReport> reports =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> operator.agents(CLUSTER, nodes.podHosts(), KraftNodes.AGENT_TOKEN, true),
                  a -> a.size() == 3);

      reports.forEach(
          (nodeId, report) ->
              assertThat(report.certificateNotAfter()).isEqualTo(loaded.get(nodeId)));
      assertThat(notAfter(pemOf(1)))
          .as("the file holds another certificate now")
          .isNotEqualTo(loaded.get(pool.nodeId(1)));
    } finally {
      Files.writeString(pemOf(1), before);
    }
  }

  private static Path pemOf(int ordinal) {
    return nodes.tlsDir().resolve(pool.podName(ordinal) + ".pem");
  }

  /** The end of the first certificate in a PEM file (after the key, in a node's file). */
  private static Instant notAfter(Path pem) throws Exception {
    String text = Files.readString(pem);
    String certificates = text.substring(text.indexOf("-----BEGIN CERTIFICATE-----"));
    X509Certificate leaf =
        (X509Certificate)
            CertificateFactory.getInstance("X.509")
                .generateCertificate(
                    new ByteArrayInputStream(certificates.getBytes(StandardCharsets.US_ASCII)));
    return leaf.getNotAfter().toInstant();
  }

  private static void removeWith(Admin admin, RaftReplica voter) throws Exception {
    admin
        .removeRaftVoter(voter.nodeId(), Uuid.fromString(voter.directoryId()))
        .all()
        .get(20, TimeUnit.SECONDS);
  }

  private static Map<String, Object> clientConfig(String bootstrapServers) {
    return clientConfig(Map.of(), bootstrapServers, false);
  }

  private static Map<String, Object> clientConfig(
      Map<String, Object> security, String bootstrap, boolean controllers) {
    Map<String, Object> config = new HashMap<>(security);
    config.put(
        controllers
            ? AdminClientConfig.BOOTSTRAP_CONTROLLERS_CONFIG
            : AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap);
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    return config;
  }

  private static KafkaProducer<String, String> producer(String bootstrap) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    return new KafkaProducer<>(config);
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
