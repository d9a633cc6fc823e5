package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.api.v1alpha1.status.BootstrapStatus;
import io.quorumkeeper.operator.api.v1alpha1.status.VoterRef;
import io.quorumkeeper.operator.model.ClusterIdentity;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.ModelSettings;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.observe.AnonymousClientAcls;
import io.quorumkeeper.operator.security.ClusterCa;
import io.quorumkeeper.operator.security.IssuedCertificate;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** A TLS cluster end to end against the mock API: Secrets, config, mount, renewal, legacy. */
class TlsApiTest {

  static final Path COMBINED = Path.of("../examples/combined.yaml");

  @AutoClose final ApiHarness api = ApiHarness.start();

  @Test
  void givenANewCluster_thenItRunsTlsWithBothSecretsTheConfigAndTheMount() {
    api.create(COMBINED);

    await()
        .untilAsserted(
            () -> {
              assertThat(secret("orders-ca")).isNotNull();
              assertThat(secret("orders-tls")).isNotNull();
              assertThat(statefulSet()).isNotNull();
            });
    assertThat(TlsSecretModel.entries(secret("orders-ca")))
        .containsOnlyKeys("ca.crt", "ca.key", "operator.crt", "operator.key");
    assertThat(TlsSecretModel.entries(secret("orders-tls")))
        .containsOnlyKeys("ca.crt", "orders-node-0.pem", "orders-node-1.pem", "orders-node-2.pem");
    assertThat(api.get("orders").getStatus().getBootstrap().getTransport())
        .isEqualTo(Transport.TLS);
    assertThat(api.get("orders").getStatus().getBootstrap().getClientAuthentication())
        .isEqualTo(ListenerAuthentication.SCRAM_SHA_512);
    assertThat(serverProperties())
        .contains("listener.security.protocol.map=CLIENTS:SASL_SSL,CONTROLLER:SSL,REPLICATION:SSL")
        .contains("ssl.keystore.location=${QK_TLS_DIR}/${POD_NAME}.pem");
    await().until(() -> secret("orders-clients-user") != null);
    var pod = statefulSet().getSpec().getTemplate();
    assertThat(pod.getSpec().getVolumes())
        .filteredOn(v -> v.getSecret() != null)
        .extracting(v -> v.getSecret().getSecretName())
        .containsExactlyInAnyOrder("orders-agent-token", "orders-tls");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry(
            Labels.CERTIFICATES,
            secret("orders-tls").getMetadata().getAnnotations().get(Labels.CERTIFICATES));
  }

  @Test
  void givenAClusterWhoseIdentityPredatesTransports_thenItStaysPlaintext_andSaysSoInAWarning() {
    createWithStatusFromBefore(null);

    await()
        .untilAsserted(
            () ->
                assertThat(api.get("orders").getStatus().getBootstrap().getTransport())
                    .isEqualTo(Transport.Plaintext));
    await().until(() -> statefulSet() != null);
    assertThat(serverProperties())
        .contains("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT")
        .doesNotContain("ssl.");
    assertThat(secret("orders-ca")).isNull();
    assertThat(secret("orders-tls")).isNull();
    assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo("q0x9VqLJQXa3hZ2c0JmQ4w");
    await()
        .untilAsserted(
            () ->
                assertThat(
                        Conditions.find(
                            api.get("orders").getStatus().getConditions(), Conditions.WARNING))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("True");
                          assertThat(c.getReason()).isEqualTo("PlaintextTransport");
                          assertThat(c.getMessage())
                              .contains("port 9093 can add and remove voters");
                        }));
  }

  @Test
  void givenATlsClusterThatPredatesAuthenticatedClients_thenItKeepsAnonymous9092() {
    var script = api.quorum().script(NAMESPACE + "/orders", 3);
    // with the ConfigMap its operator rendered: such a cluster has always had one (ADR 041)
    createWithStatusFromBefore(Transport.TLS, true);

    await()
        .untilAsserted(
            () ->
                assertThat(api.get("orders").getStatus().getBootstrap().getClientAuthentication())
                    .isEqualTo(ListenerAuthentication.NONE));
    await().until(() -> statefulSet() != null);
    podsReady();
    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("AllPodsReady"));
    assertThat(serverProperties())
        .contains(
            "listener.security.protocol.map=CONTROLLER:SSL,PLAINTEXT:PLAINTEXT,REPLICATION:SSL");
    assertThat(api.get("orders").getStatus().getBootstrap().getTransport())
        .isEqualTo(Transport.TLS);
    assertThat(secret("orders-clients-user")).isNull();
    assertThat(script.acls)
        .containsExactlyInAnyOrderElementsOf(AnonymousClientAcls.bindings("User:ANONYMOUS"));
  }

  @Test
  void givenARunningPodsCertificateAboutToExpire_thenItIsReissuedAndThePodsAreMarkedForRoll()
      throws Exception {
    api.create(COMBINED);
    await().until(() -> statefulSet() != null && secret("orders-tls") != null);
    String revision = certificatesOf(statefulSet());
    String templateHash = annotation(statefulSet(), Labels.TEMPLATE_HASH);
    createPod("orders-node-0", templateHash);

    replaceEntry("orders-node-0.pem", expiringIn(Duration.ofDays(10)));

    await().untilAsserted(() -> assertThat(certificatesOf(statefulSet())).isNotEqualTo(revision));
    assertThat(annotation(statefulSet(), Labels.TEMPLATE_HASH))
        .as("the pod's template hash is outdated: the roll restarts it")
        .isNotEqualTo(templateHash);
    Instant notAfter =
        io.quorumkeeper.operator.security.Pem.firstCertificate(entry("orders-node-0.pem"))
            .getNotAfter()
            .toInstant();
    assertThat(notAfter).isAfter(Instant.now().plus(Duration.ofDays(300)));
    assertThat(events())
        .anySatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo("CertificatesIssued");
              assertThat(e.getMessage()).contains("orders-node-0 (expires at");
            });
  }

  @Test
  void givenAQuorumWithALeader_thenAnonymousClientAclsAreGrantedOnceAndOnlyThenIsItReady() {
    var script = api.quorum().script(NAMESPACE + "/orders", 3).noLeader(true).agentsKnowNoLeader();
    api.create(COMBINED);
    await().until(() -> statefulSet() != null);
    podsReady();
    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("NoLeader"));
    assertThat(script.aclGrants).hasValue(0);

    script.noLeader(false).leader(0, 1).agentsKnow(0, 1);

    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("AllPodsReady"));
    assertThat(script.aclGrants).hasValue(1); // checked again only after ClientAccess.RECHECK
  }

  @Test
  void
      givenANewClusterNotDescribedYet_thenTheFirstReadyBrokerStartsTheGrantsAndReadyWaitsForKafka() {
    var script =
        api.quorum()
            .script(NAMESPACE + "/orders", 3)
            .leader(0, 1)
            .agentsKnow(0, 1)
            .describeUnanswered(true);
    createWithPodsNotReady();
    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("NoLeader"));
    assertThat(script.grantAttempts).hasValue(0); // no broker pod is Ready yet

    api.podReady("orders-node-1");

    await().untilAsserted(() -> assertThat(script.aclGrants).hasValue(1));
    assertThat(readyReason()).isEqualTo("NoLeader");
    assertThat(api.get("orders").getStatus().getBootstrap().isFormed()).isFalse();

    script.describeUnanswered(false);

    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("AllPodsReady"));
    assertThat(api.get("orders").getStatus().getBootstrap().isFormed()).isTrue();
    assertThat(script.aclGrants).hasValue(1);
    assertThat(script.clientUsersReads).hasValue(0); // a new cluster: nothing to revoke yet
  }

  @Test
  void givenANewClusterWhoseEarlyGrantsFail_thenTheyWaitForKafkasDescription() {
    var script =
        api.quorum().script(NAMESPACE + "/orders", 3).leader(0, 1).agentsKnow(0, 1).noLeader(true);
    createWithPodsNotReady();
    api.podReady("orders-node-1");
    await().untilAsserted(() -> assertThat(script.grantAttempts).hasValue(1));
    int passes = api.reconciles().finished("orders");

    api.podReady("orders-node-0");
    api.podReady("orders-node-2");

    await().until(() -> api.reconciles().finished("orders") >= passes + 2);
    assertThat(script.grantAttempts).hasValue(1); // not again on each pass, for the Admin timeout
    script.noLeader(false);
    await().untilAsserted(() -> assertThat(readyReason()).isEqualTo("AllPodsReady"));
    assertThat(script.grantAttempts).hasValue(2);
  }

  @Test
  void givenAGarbageCa_thenNothingIsReplacedAndReadySaysWhy() {
    api.create(COMBINED);
    await().until(() -> statefulSet() != null && secret("orders-tls") != null);
    String tlsVersion = secret("orders-tls").getMetadata().getResourceVersion();

    api.client()
        .secrets()
        .inNamespace(NAMESPACE)
        .withName("orders-ca")
        .edit(s -> withEntry(s, "ca.key", "garbage"));

    await()
        .untilAsserted(
            () ->
                assertThat(
                        io.quorumkeeper.operator.status.Conditions.find(
                                api.get("orders").getStatus().getConditions(), "Ready")
                            .orElseThrow()
                            .getMessage())
                    .contains("Secret orders-ca holds no usable CA"));
    assertThat(secret("orders-tls").getMetadata().getResourceVersion()).isEqualTo(tlsVersion);
    assertThat(TlsSecretModel.entries(secret("orders-ca")).get("ca.key")).isEqualTo("garbage");
  }

  /**
   * The example created while the operator is stopped, with the status an older operator wrote:
   * identity and initial voters, the transport (null: from before transports) and no client
   * authentication; then the operator starts.
   */
  private void createWithStatusFromBefore(Transport transport) {
    createWithStatusFromBefore(transport, false);
  }

  /**
   * The same, with {@code withItsConfigMap} the server.properties ConfigMap an operator from before
   * rendered for it (owned by it, as the operator's are).
   */
  private void createWithStatusFromBefore(Transport transport, boolean withItsConfigMap) {
    api.stopOperator();
    QuorumCluster cr = api.create(COMBINED);
    QuorumClusterStatus status = new QuorumClusterStatus();
    status.setClusterId("q0x9VqLJQXa3hZ2c0JmQ4w");
    BootstrapStatus bootstrap = new BootstrapStatus();
    bootstrap.setInitialVoters(
        List.of(
            new VoterRef(0, "dir0AAAAAAAAAAAAAAAAAA"),
            new VoterRef(1, "dir1AAAAAAAAAAAAAAAAAA"),
            new VoterRef(2, "dir2AAAAAAAAAAAAAAAAAA")));
    bootstrap.setTransport(transport);
    status.setBootstrap(bootstrap);
    cr.setStatus(status);
    api.client().resource(cr).updateStatus();
    if (withItsConfigMap) {
      ConfigMap rendered =
          ClusterModel.from(
                  cr,
                  new ClusterIdentity(
                      status.getClusterId(), bootstrap.getInitialVoters(), false, transport),
                  new ModelSettings("quorum-keeper/quorum-node", "IfNotPresent"),
                  0,
                  "x.0")
              .configMaps()
              .get(0);
      rendered.getMetadata().setNamespace(NAMESPACE);
      rendered
          .getMetadata()
          .setOwnerReferences(
              List.of(
                  new OwnerReferenceBuilder()
                      .withApiVersion(cr.getApiVersion())
                      .withKind(cr.getKind())
                      .withName(cr.getMetadata().getName())
                      .withUid(cr.getMetadata().getUid())
                      .withController(true)
                      .build()));
      assertThat(rendered.getData().get("server.properties")).contains("PLAINTEXT://");
      api.client().resource(rendered).create();
    }
    api.startOperator();
  }

  private String expiringIn(Duration left) throws Exception {
    Map<String, String> ca = TlsSecretModel.entries(secret("orders-ca"));
    ClusterCa authority = ClusterCa.load(ca.get("ca.crt"), ca.get("ca.key"), Instant.now());
    var pool = ClusterModel.pools(api.get("orders")).get(0);
    IssuedCertificate soon =
        authority.issue("orders-node-0", TlsSecretModel.dnsNames(pool, 0), left, Instant.now());
    return soon.keyPem() + soon.certificatePem() + ca.get("ca.crt");
  }

  private void replaceEntry(String key, String text) {
    api.client()
        .secrets()
        .inNamespace(NAMESPACE)
        .withName("orders-tls")
        .edit(s -> withEntry(s, key, text));
  }

  private static Secret withEntry(Secret secret, String key, String text) {
    Map<String, String> data = new HashMap<>(secret.getData());
    data.put(
        key,
        java.util.Base64.getEncoder()
            .encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    secret.setData(data);
    return secret;
  }

  private void createPod(String name, String templateHash) {
    api.client()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NAMESPACE)
                .addToLabels(Labels.CLUSTER, "orders")
                .addToAnnotations(Labels.TEMPLATE_HASH, templateHash)
                .endMetadata()
                .build())
        .create();
  }

  private String entry(String key) {
    return TlsSecretModel.entries(secret("orders-tls")).get(key);
  }

  private Secret secret(String name) {
    return api.client().secrets().inNamespace(NAMESPACE).withName(name).get();
  }

  private String readyReason() {
    return io.quorumkeeper.operator.status.Conditions.find(
            api.get("orders").getStatus().getConditions(), "Ready")
        .map(c -> c.getReason())
        .orElse(null);
  }

  /**
   * The example created, its StatefulSet's three pods made from the template (Pending, as its
   * controller makes them) and the StatefulSet reporting them ready, while no pod says it is.
   */
  private void createWithPodsNotReady() {
    api.create(COMBINED);
    await().until(() -> statefulSet() != null);
    for (int ordinal = 0; ordinal < 3; ordinal++) {
      api.createPodFromTemplate("orders-node", "orders-node-" + ordinal, "orders");
    }
    podsReady();
  }

  /** No StatefulSet controller runs against the mock API: report its pods ready. */
  private void podsReady() {
    api.statefulSetRolledOut("orders-node", 3);
  }

  private StatefulSet statefulSet() {
    return api.client().apps().statefulSets().inNamespace(NAMESPACE).withName("orders-node").get();
  }

  private String serverProperties() {
    return api.poolConfigMap("orders-node").getData().get("server.properties");
  }

  private static String certificatesOf(StatefulSet set) {
    return annotation(set, Labels.CERTIFICATES);
  }

  private static String annotation(StatefulSet set, String key) {
    return set.getSpec().getTemplate().getMetadata().getAnnotations().get(key);
  }

  private List<Event> events() {
    return api.client().v1().events().inNamespace(NAMESPACE).list().getItems();
  }
}
