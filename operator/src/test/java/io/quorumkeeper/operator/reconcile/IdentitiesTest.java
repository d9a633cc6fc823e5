package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import io.quorumkeeper.operator.model.ClusterIdentity;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Examples;
import io.quorumkeeper.operator.model.ModelSettings;
import io.quorumkeeper.operator.quorum.AgentReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A cluster's transport is decided once: new clusters TLS, everything older Plaintext. */
class IdentitiesTest {

  @Test
  void givenANewCluster_thenTlsUnlessTheSpecAsksForPlaintext() {
    QuorumCluster cr = Examples.load("combined.yaml");
    assertThat(Identities.generate(cr).transport()).isEqualTo(Transport.TLS);

    cr.getSpec().setSecurity(new SecuritySpec());
    cr.getSpec().getSecurity().setTransport(Transport.Plaintext);

    assertThat(Identities.generate(cr).transport()).isEqualTo(Transport.Plaintext);
  }

  @Test
  void givenStatusWithoutTransport_thenTheKeptIdentityIsPlaintext() {
    QuorumCluster cr = Examples.load("combined.yaml");
    QuorumClusterStatus status = new QuorumClusterStatus();
    Identities.writeTo(status, Identities.generate(cr));
    assertThat(Identities.kept(status).transport()).isEqualTo(Transport.TLS);

    status.getBootstrap().setTransport(null);

    assertThat(Identities.kept(status).transport()).isEqualTo(Transport.Plaintext);
  }

  @Test
  void givenAConfigMap_thenTheRecoveredTransportIsTheControllerListenersProtocol() {
    QuorumCluster cr = Examples.load("combined.yaml");
    var identity = Identities.generate(cr);
    ModelSettings settings = new ModelSettings("quorum-keeper/quorum-node", "IfNotPresent");
    var tlsMap = ClusterModel.from(cr, identity, settings, 0, "x.0").configMaps();
    var plainIdentity =
        new io.quorumkeeper.operator.model.ClusterIdentity(
            identity.clusterId(), identity.initialVoters(), false, Transport.Plaintext);
    var plainMap = ClusterModel.from(cr, plainIdentity, settings).configMaps();
    var oldMap =
        List.of(
            new ConfigMapBuilder(plainMap.get(1))
                .withData(
                    Map.of(
                        "bootstrap.properties",
                        plainMap.get(1).getData().get("bootstrap.properties")))
                .build());

    assertThat(Identities.recover(tlsMap).orElseThrow().transport()).isEqualTo(Transport.TLS);
    assertThat(Identities.recover(plainMap).orElseThrow().transport())
        .isEqualTo(Transport.Plaintext);
    assertThat(Identities.recover(oldMap).orElseThrow().transport()).isEqualTo(Transport.Plaintext);
    assertThat(Identities.recover(tlsMap).orElseThrow().clusterId())
        .isEqualTo(identity.clusterId());
  }

  @Test
  void givenANewCluster_thenItsClientsAuthenticateWithScramOnTls_andNotOnPlaintext() {
    QuorumCluster cr = Examples.load("combined.yaml");
    assertThat(Identities.generate(cr).clients()).isEqualTo(ListenerAuthentication.SCRAM_SHA_512);

    cr.getSpec().setSecurity(new SecuritySpec());
    cr.getSpec().getSecurity().setTransport(Transport.Plaintext);

    assertThat(Identities.generate(cr).clients()).isEqualTo(ListenerAuthentication.NONE);
  }

  @Test
  void givenStatusWithoutClientAuthentication_thenTheKeptIdentityKeepsAnonymous9092() {
    QuorumCluster cr = Examples.load("combined.yaml");
    QuorumClusterStatus status = new QuorumClusterStatus();
    Identities.writeTo(status, Identities.generate(cr));
    assertThat(status.getBootstrap().getClientAuthentication())
        .isEqualTo(ListenerAuthentication.SCRAM_SHA_512);
    assertThat(Identities.kept(status).clients()).isEqualTo(ListenerAuthentication.SCRAM_SHA_512);

    status.getBootstrap().setClientAuthentication(null);

    assertThat(Identities.kept(status).clients()).isEqualTo(ListenerAuthentication.NONE);
    assertThat(Identities.kept(status).transport()).isEqualTo(Transport.TLS);
  }

  @Test
  void givenAConfigMap_thenTheRecoveredClientAuthenticationIsWhatItsListenersRun() {
    QuorumCluster cr = Examples.load("combined.yaml");
    ModelSettings settings = new ModelSettings("quorum-keeper/quorum-node", "IfNotPresent");
    ClusterIdentity created = Identities.generate(cr);
    ClusterIdentity before =
        new ClusterIdentity(created.clusterId(), created.initialVoters(), false, Transport.TLS);
    var scramMap = ClusterModel.from(cr, created, settings, 0, "x.0").configMaps();
    var anonymousMap = ClusterModel.from(cr, before, settings, 0, "x.0").configMaps();

    assertThat(Identities.recover(scramMap).orElseThrow().clients())
        .isEqualTo(ListenerAuthentication.SCRAM_SHA_512);
    assertThat(Identities.recover(anonymousMap).orElseThrow().clients())
        .isEqualTo(ListenerAuthentication.NONE);
  }

  /**
   * A listener a spec names {@code plaintext} is Kafka's PLAINTEXT listener whatever protocol it
   * maps to: only over PLAINTEXT does it let anonymous clients in (ADR 041).
   */
  @Test
  void givenAListenerNamedPlaintext_thenItIsAnonymousOnlyOverThePlaintextProtocol()
      throws Exception {
    String listeners = "listeners=CONTROLLER://h:9093,PLAINTEXT://h:9092\n";

    assertThat(Identities.anonymousListener(listeners)).isTrue();
    assertThat(
            Identities.anonymousListener(
                listeners + "listener.security.protocol.map=CONTROLLER:SSL,PLAINTEXT:PLAINTEXT\n"))
        .isTrue();
    assertThat(
            Identities.anonymousListener(
                listeners
                    + "listener.security.protocol.map=CONTROLLER:SSL,PLAINTEXT:SASL_PLAINTEXT\n"))
        .isFalse();
    assertThat(
            Identities.anonymousListener(
                "listeners=CONTROLLER://h:9093,CLIENTS://h:9092\n"
                    + "listener.security.protocol.map=CLIENTS:SASL_SSL,CONTROLLER:SSL\n"))
        .isFalse();
  }

  @Test
  void givenTheNewConfigMapsAndTheLegacyOne_thenEachFileComesFromTheNewest_andFormedFromAny() {
    QuorumCluster cr = Examples.load("combined.yaml");
    ModelSettings settings = new ModelSettings("quorum-keeper/quorum-node", "IfNotPresent");
    ClusterIdentity created = Identities.generate(cr);
    ClusterIdentity formed =
        new ClusterIdentity(
            created.clusterId(), created.initialVoters(), true, Transport.TLS, created.clients());
    var current = ClusterModel.from(cr, created, settings, 0, "x.0").configMaps();
    Map<String, String> both = new java.util.HashMap<>();
    ClusterModel.from(cr, formed, settings, 0, "x.0")
        .configMaps()
        .forEach(m -> both.putAll(m.getData()));
    var legacy =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("orders-node-config")
            .endMetadata()
            .withData(both)
            .build();

    var fromAll = Identities.recover(List.of(current.get(1), current.get(0), legacy)).orElseThrow();
    var fromLegacy = Identities.recover(List.of(legacy)).orElseThrow();

    assertThat(fromAll.clusterId()).isEqualTo(created.clusterId());
    assertThat(fromAll.formed()).as("the legacy one says formed").isTrue();
    assertThat(fromAll.transport()).isEqualTo(Transport.TLS);
    assertThat(fromLegacy.initialVoters()).isEqualTo(created.initialVoters());
    assertThat(Identities.recover(List.of(current.get(0)))).as("server.properties only").isEmpty();
  }

  @Test
  void theDisksClusterIdIsTheOneEveryAgentThatReadItsDiskNames() {
    AgentReport preparing = new AgentReport(0, null, null, null, null, "4.4.0", "given-id");
    AgentReport formatted = new AgentReport(1, "dir1", "follower", 2, 3, "4.4.0", "disk-id");
    AgentReport old = new AgentReport(2, "dir2", "leader", 2, 3, null, null);
    AgentReport outside = new AgentReport(3, "dir3", "unattached", null, 3, "4.4.0", "edited-id");

    assertThat(Identities.onDisks(Map.of())).isEmpty();
    assertThat(Identities.onDisks(Map.of(0, preparing)))
        .as("given, not read from a disk")
        .isEmpty();
    assertThat(Identities.onDisks(Map.of(0, preparing, 1, formatted, 2, old, 3, outside)))
        .as("a disk outside the quorum (formatted from an edited ConfigMap) is not counted")
        .contains("disk-id");
    assertThat(
            Identities.onDisks(
                Map.of(
                    1,
                    formatted,
                    2,
                    new AgentReport(2, "dir2", "leader", 2, 3, "4.4.0", "another-id"))))
        .as("disks that disagree decide nothing")
        .isEmpty();
  }
}
