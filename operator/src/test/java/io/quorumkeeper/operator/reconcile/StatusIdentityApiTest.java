package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.ClusterEdits.COMBINED;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.OwnedObjects;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A cluster identity in status that was lost or edited (by hand, by a restore) is judged against
 * the ConfigMaps and the disks' word, and never reaches a pod wrong.
 */
class StatusIdentityApiTest {

  final ApiHarness api = ApiHarness.start();
  final ClusterEdits cluster = new ClusterEdits(api);

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenStatusLost_thenTheClusterIdIsReadBackFromItsConfigMapNotGeneratedAgain() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    api.create(COMBINED);
    cluster.awaitAccepted("orders", 1);
    QuorumCluster running = api.get("orders");
    String clusterId = running.getStatus().getClusterId();
    var initialVoters = running.getStatus().getBootstrap().getInitialVoters();

    cluster.editStatus("orders", cr -> cr.setStatus(new QuorumClusterStatus()));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumClusterStatus status = api.get("orders").getStatus();
              assertThat(status.getClusterId()).isEqualTo(clusterId);
              assertThat(status.getBootstrap().getInitialVoters()).isEqualTo(initialVoters);
            });
    assertThat(api.bootstrapProperties("orders-node")).contains("cluster.id=" + clusterId);
  }

  @Test
  void givenStatusClusterIdEditedWithALineBreak_thenReadBackFromTheConfigMapAndNothingInjected() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();

    cluster.editStatus(
        "orders", cr -> cr.getStatus().setClusterId(clusterId + "\ncluster.formed=false"));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId));
    assertThat(api.bootstrapProperties("orders-node"))
        .contains("cluster.id=" + clusterId)
        .contains("cluster.formed=true")
        .doesNotContain("cluster.formed=false");
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenStatusClusterIdEditedToAnotherValidId_thenRestoredFromTheDisksAndNoPodIsGivenIt() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();
    quorum.disksHold(clusterId);
    String bootstrapVersion = bootstrapMap().getMetadata().getResourceVersion();
    String wrong = Uuid.randomUuid().toString();

    cluster.editStatus("orders", cr -> cr.getStatus().setClusterId(wrong));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId));
    assertThat(cluster.events("IdentityRestored"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(wrong).contains(clusterId));
    assertThat(bootstrapMap().getMetadata().getResourceVersion())
        .as("the bootstrap ConfigMap, never written with the edited id")
        .isEqualTo(bootstrapVersion);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenStatusClusterIdEditedAndNoDiskSaysWhich_thenTheConfigMapIsKeptUntilOneDoes() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();
    String wrong = Uuid.randomUuid().toString();

    cluster.editStatus("orders", cr -> cr.getStatus().setClusterId(wrong));

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(condition(cr, Conditions.READY)).isEqualTo("False");
              assertThat(message(cr, Conditions.READY))
                  .contains("ConfigMap orders-node-bootstrap keeps cluster id " + clusterId)
                  .contains("status.clusterId is " + wrong);
            });
    assertThat(api.bootstrapProperties("orders-node"))
        .contains("cluster.id=" + clusterId)
        .doesNotContain(wrong);
    await().untilAsserted(() -> assertThat(cluster.events("ObjectNotWritten")).isNotEmpty());

    quorum.disksHold(clusterId);

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("orders");
              assertThat(cr.getStatus().getClusterId()).isEqualTo(clusterId);
              assertThat(message(cr, Conditions.READY)).doesNotContain("keeps cluster id");
            });
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenTheConfigMapsClusterIdEditedAndTheDisksHoldStatuss_thenTheConfigMapIsRewritten() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();
    quorum.disksHold(clusterId);
    String wrong = Uuid.randomUuid().toString();

    editBootstrapClusterId(clusterId, wrong);

    await()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(api.bootstrapProperties("orders-node"))
                    .contains("cluster.id=" + clusterId));
    assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenStatusAndTheConfigMapBothEditedToAnotherId_thenTheDisksIdIsRestoredToBoth() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    String clusterId = formedCluster();
    String wrong = Uuid.randomUuid().toString();
    // paused, the operator writes no object, so neither edit is undone before the other lands
    api.edit(
        "orders",
        cr -> cr.getMetadata().getAnnotations().put(QuorumCluster.PAUSED_ANNOTATION, "true"));
    await()
        .untilAsserted(
            () -> assertThat(condition(api.get("orders"), Conditions.PAUSED)).isEqualTo("True"));
    cluster.editStatus("orders", cr -> cr.getStatus().setClusterId(wrong));
    editBootstrapClusterId(clusterId, wrong);
    await()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(api.bootstrapProperties("orders-node")).contains("cluster.id=" + wrong));
    api.edit(
        "orders", cr -> cr.getMetadata().getAnnotations().remove(QuorumCluster.PAUSED_ANNOTATION));
    await()
        .during(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(api.bootstrapProperties("orders-node")).contains("cluster.id=" + wrong));

    quorum.disksHold(clusterId);

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(api.get("orders").getStatus().getClusterId()).isEqualTo(clusterId);
              assertThat(api.bootstrapProperties("orders-node"))
                  .contains("cluster.id=" + clusterId);
            });
    assertThat(cluster.events("IdentityRestored"))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains(wrong).contains(clusterId));
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /** The combined example created, accepted and formed; its cluster id. */
  /**
   * The transport is fixed at creation (ADR 012). Status edited to Plaintext, or the field dropped
   * (read as a cluster from before transports), on a TLS cluster rendered every pod template
   * without TLS: each pod a drain re-created could no longer reach its peers. The controllers'
   * ConfigMaps run SSL, which the operator renders for a TLS cluster only: status is restored (ADR
   * 038).
   */
  @ParameterizedTest(name = "transport {0}")
  @NullSource
  @ValueSource(strings = "Plaintext")
  void givenATlsClustersStatusTransportEdited_thenRestoredFromItsConfigMaps_andNothingRendered(
      String edited) {
    api.quorum().script(NAMESPACE + "/orders", 3);
    formedCluster();
    String template = cluster.statefulSet("orders-node").getMetadata().getResourceVersion();
    String config = api.poolConfigMap("orders-node").getMetadata().getName();

    cluster.editStatus(
        "orders",
        cr ->
            cr.getStatus()
                .getBootstrap()
                .setTransport(edited == null ? null : Transport.valueOf(edited)));

    awaitIdentityRestored("(TLS, as in ConfigMap " + config + ")", "status restored to it");
    await()
        .untilAsserted(
            () ->
                assertThat(api.get("orders").getStatus().getBootstrap().getTransport())
                    .isEqualTo(Transport.TLS));
    assertThat(api.poolConfigMap("orders-node").getMetadata().getName()).isEqualTo(config);
    assertThat(cluster.statefulSet("orders-node").getMetadata().getResourceVersion())
        .isEqualTo(template);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * A TLS cluster whose controller ConfigMap was edited to run the controllers over PLAINTEXT (or a
   * Plaintext cluster whose spec no longer names its transport and whose status says TLS): either
   * may be the edited one, and rendering status's transport would restart pods into a quorum they
   * cannot reach. Nothing is written and Ready says why, until one is set back (ADR 038).
   */
  @Test
  void givenTheControllersConfigMapEditedToPlaintext_thenNothingIsWrittenUntilSetBack() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    formedCluster();
    String map = api.poolConfigMap("orders-node").getMetadata().getName();
    editServerProperties(map, "CONTROLLER:SSL", "CONTROLLER:PLAINTEXT");
    Map<String, String> before = OwnedObjects.resourceVersions(api.client());

    cluster.editSpec("orders", spec -> spec.getKafka().getConfig().put("num.partitions", "12"));

    await()
        .untilAsserted(
            () ->
                assertThat(message(api.get("orders"), Conditions.READY))
                    .contains("ConfigMap " + map + " runs the controllers over Plaintext")
                    .contains("status.bootstrap.transport is TLS"));
    await().untilAsserted(() -> assertThat(cluster.events("ObjectNotWritten")).isNotEmpty());
    assertThat(OwnedObjects.resourceVersions(api.client())).isEqualTo(before);
    assertThat(api.get("orders").getStatus().getBootstrap().getTransport())
        .isEqualTo(Transport.TLS);

    editServerProperties(map, "CONTROLLER:PLAINTEXT", "CONTROLLER:SSL");

    await()
        .untilAsserted(
            () ->
                assertThat(api.poolConfigMap("orders-node").getData().get("server.properties"))
                    .contains("num.partitions=12")
                    .contains("CONTROLLER:SSL"));
    assertThat(message(api.get("orders"), Conditions.READY)).doesNotContain("runs the controllers");
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * Without {@code spec.listeners}, status alone says how the clients of 9092 authenticate (ADR
   * 015). Edited to {@code none} or {@code tls}, or dropped (read as a cluster from before, so
   * {@code none}), on a TLS cluster, the next roll opened an anonymous 9092. The pool serving
   * clients runs no anonymous listener: status is restored and nothing is rendered (ADR 041).
   */
  @ParameterizedTest(name = "clientAuthentication {0} on {1}")
  @CsvSource({
    "NONE, combined.yaml, orders, orders-node",
    "TLS, combined.yaml, orders, orders-node",
    ", combined.yaml, orders, orders-node",
    "NONE, separated.yaml, payments, payments-broker"
  })
  void givenATlsClustersClientAuthenticationEdited_thenRestored_andNo9092OpenedToAnyone(
      ListenerAuthentication edited, String example, String name, String clientPool) {
    api.quorum().script(NAMESPACE + "/" + name, 3);
    api.create(Path.of("../examples/" + example));
    cluster.awaitAccepted(name, 1);
    await().until(() -> api.poolConfigMap(clientPool) != null);
    String config = api.poolConfigMap(clientPool).getMetadata().getName();
    String template = cluster.statefulSet(clientPool).getMetadata().getResourceVersion();

    cluster.editStatus(name, cr -> cr.getStatus().getBootstrap().setClientAuthentication(edited));

    awaitIdentityRestored(
        "would open an anonymous listener on 9092",
        "ConfigMap " + config,
        "status restored to scram-sha-512");
    await()
        .untilAsserted(
            () ->
                assertThat(api.get(name).getStatus().getBootstrap().getClientAuthentication())
                    .isEqualTo(ListenerAuthentication.SCRAM_SHA_512));
    assertThat(api.poolConfigMap(clientPool).getMetadata().getName()).isEqualTo(config);
    assertThat(api.poolConfigMap(clientPool).getData().get("server.properties"))
        .contains("CLIENTS:SASL_SSL")
        .doesNotContain("PLAINTEXT://");
    assertThat(cluster.statefulSet(clientPool).getMetadata().getResourceVersion())
        .isEqualTo(template);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * A TLS cluster created paused has status and no ConfigMap: an edit then had nothing to be judged
   * against, and unpausing rendered the anonymous 9092, which from then on "ran". A cluster from
   * before ADR 015 always has its ConfigMaps: status is restored (ADR 041).
   */
  @Test
  void
      givenAClusterCreatedPaused_whenItsClientAuthenticationIsEdited_thenRestoredBeforeAnyRender() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    QuorumCluster paused = api.read(COMBINED);
    paused.getMetadata().setAnnotations(Map.of(QuorumCluster.PAUSED_ANNOTATION, "true"));
    api.client().resource(paused).create();
    await()
        .ignoreExceptions()
        .untilAsserted(
            () ->
                assertThat(api.get("orders").getStatus().getBootstrap().getClientAuthentication())
                    .isEqualTo(ListenerAuthentication.SCRAM_SHA_512));

    cluster.editStatus(
        "orders",
        cr -> cr.getStatus().getBootstrap().setClientAuthentication(ListenerAuthentication.NONE));

    awaitIdentityRestored("that no ConfigMap of the cluster runs yet");
    api.edit(
        "orders", cr -> cr.getMetadata().getAnnotations().remove(QuorumCluster.PAUSED_ANNOTATION));
    await().until(() -> api.poolConfigMap("orders-node") != null);
    assertThat(api.poolConfigMap("orders-node").getData().get("server.properties"))
        .contains("CLIENTS:SASL_SSL")
        .doesNotContain("PLAINTEXT://");
    assertThat(api.get("orders").getStatus().getBootstrap().getClientAuthentication())
        .isEqualTo(ListenerAuthentication.SCRAM_SHA_512);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * A Plaintext cluster's one listener is anonymous, and it has no certificates for the SASL_SSL
   * listener {@code scram-sha-512} renders: status edited so is restored to {@code none} (ADR 041).
   */
  @Test
  void givenAPlaintextClustersClientAuthenticationEditedToScram_thenRestoredToNone() {
    api.quorum().script(NAMESPACE + "/orders", 3);
    QuorumCluster plain = api.read(COMBINED);
    plain.getSpec().setSecurity(new SecuritySpec());
    plain.getSpec().getSecurity().setTransport(Transport.Plaintext);
    api.client().resource(plain).create();
    cluster.awaitAccepted("orders", 1);
    await().until(() -> api.poolConfigMap("orders-node") != null);
    String config = api.poolConfigMap("orders-node").getMetadata().getName();

    cluster.editStatus(
        "orders",
        cr ->
            cr.getStatus()
                .getBootstrap()
                .setClientAuthentication(ListenerAuthentication.SCRAM_SHA_512));

    awaitIdentityRestored(
        "scram-sha-512 is not possible on a Plaintext cluster", "status restored to none");
    await()
        .untilAsserted(
            () ->
                assertThat(api.get("orders").getStatus().getBootstrap().getClientAuthentication())
                    .isEqualTo(ListenerAuthentication.NONE));
    assertThat(api.poolConfigMap("orders-node").getMetadata().getName()).isEqualTo(config);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * A quorum that formed never unforms. {@code status.bootstrap.formed} edited to false was kept
   * while no leader was seen, and rendered into the bootstrap ConfigMap: a wiped initial voter
   * would then be formatted as a new quorum's first member (ADR 043). The ConfigMaps say it formed.
   */
  @Test
  void givenStatusFormedEditedToFalseWhileNoLeaderIsSeen_thenRestoredAndNeverRendered() {
    QuorumScript quorum = api.quorum().script(NAMESPACE + "/orders", 3);
    formedCluster();
    quorum.noLeader(true);
    await()
        .untilAsserted(
            () ->
                assertThat(condition(api.get("orders"), Conditions.QUORUM_HEALTHY))
                    .isEqualTo("False"));

    cluster.editStatus("orders", cr -> cr.getStatus().getBootstrap().setFormed(false));
    cluster.editSpec("orders", spec -> spec.getKafka().getConfig().put("num.partitions", "12"));

    awaitIdentityRestored("status.bootstrap.formed false", "status restored to true");
    await()
        .untilAsserted(
            () ->
                assertThat(api.poolConfigMap("orders-node").getData().get("server.properties"))
                    .contains("num.partitions=12"));
    assertThat(api.bootstrapProperties("orders-node")).contains("cluster.formed=true");
    assertThat(api.get("orders").getStatus().getBootstrap().isFormed()).isTrue();
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /** Waits for an IdentityRestored event whose message contains every one of {@code parts}. */
  private void awaitIdentityRestored(String... parts) {
    await()
        .untilAsserted(
            () ->
                assertThat(cluster.events("IdentityRestored"))
                    .anySatisfy(e -> assertThat(e.getMessage()).contains(parts)));
  }

  /** Edits the server.properties of ConfigMap {@code name} as a user with rights on it would. */
  private void editServerProperties(String name, String from, String to) {
    api.client()
        .configMaps()
        .inNamespace(NAMESPACE)
        .withName(name)
        .edit(
            m -> {
              m.getData()
                  .put("server.properties", m.getData().get("server.properties").replace(from, to));
              return m;
            });
  }

  private String formedCluster() {
    api.create(COMBINED);
    cluster.awaitAccepted("orders", 1);
    await()
        .untilAsserted(
            () ->
                assertThat(api.bootstrapProperties("orders-node")).contains("cluster.formed=true"));
    return api.get("orders").getStatus().getClusterId();
  }

  /** Replaces the cluster id in the bootstrap ConfigMap as a user with rights on it would. */
  private void editBootstrapClusterId(String from, String to) {
    api.client()
        .configMaps()
        .inNamespace(NAMESPACE)
        .withName("orders-node-bootstrap")
        .edit(
            map -> {
              map.getData()
                  .computeIfPresent("bootstrap.properties", (file, text) -> text.replace(from, to));
              return map;
            });
  }

  private io.fabric8.kubernetes.api.model.ConfigMap bootstrapMap() {
    return api.client().configMaps().inNamespace(NAMESPACE).withName("orders-node-bootstrap").get();
  }
}
