package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What spec.listeners renders (examples/combined-listeners.yaml; its golden files: TlsModelTest).
 */
class ListenerModelTest {

  @Test
  void givenScramAndTlsListeners_thenServerPropertiesSecureEachOnItsOwn() {
    String properties = serverProperties(model("combined-listeners.yaml"));

    assertThat(properties)
        .contains(
            "advertised.listeners=CONTROLLER://${QK_POD_HOST}:9093,REPLICATION://${QK_POD_HOST}:9091,"
                + "SCRAM://${QK_POD_HOST}:9094,MTLS://${QK_POD_HOST}:9095\n")
        .contains(
            "listener.security.protocol.map=CONTROLLER:SSL,MTLS:SSL,REPLICATION:SSL,SCRAM:SASL_SSL\n")
        .contains("listener.name.mtls.ssl.client.auth=required\n")
        .contains("listener.name.scram.ssl.client.auth=none\n")
        .contains("listener.name.scram.sasl.enabled.mechanisms=SCRAM-SHA-512\n")
        .contains(
            "listener.name.scram.scram-sha-512.sasl.jaas.config="
                + "org.apache.kafka.common.security.scram.ScramLoginModule required;\n")
        .contains("ssl.client.auth=required\n")
        .contains("RULE:^CN=(ledger-[a-z0-9-]+-user)$/$1/,DEFAULT\n")
        .doesNotContain("PLAINTEXT")
        .doesNotContain("listener.name.mtls.sasl");
  }

  @Test
  void givenNoListeners_thenNoUserRuleAndNoListenerKeys() {
    String properties = serverProperties(model("combined.yaml"));

    assertThat(properties).doesNotContain("-user)").doesNotContain("listener.name.");
  }

  @Test
  void givenAnonymousTlsAndScramWithoutTls_thenSslWithoutCertificateAndSaslPlaintext() {
    QuorumCluster cr = Examples.load("combined-listeners.yaml");
    cr.getSpec()
        .setListeners(
            List.of(
                new ListenerSpec("tls", 9094, true, ListenerAuthentication.NONE),
                new ListenerSpec("sasl", 9096, false, ListenerAuthentication.SCRAM_SHA_512)));

    String properties = serverProperties(tls(cr));

    assertThat(properties)
        .contains(
            "listener.security.protocol.map=CONTROLLER:SSL,REPLICATION:SSL,SASL:SASL_PLAINTEXT,TLS:SSL\n")
        .contains("listener.name.tls.ssl.client.auth=none\n")
        .doesNotContain("listener.name.sasl.ssl.client.auth")
        .contains("listener.name.sasl.sasl.enabled.mechanisms=SCRAM-SHA-512\n")
        .doesNotContain("-user)$");
  }

  @Test
  void givenAConnectionCap_thenItsListenerHasItAndTheOthersAreLeftToTheLauncher() {
    QuorumCluster cr = Examples.load("combined-listeners.yaml");
    ListenerSpec scram =
        new ListenerSpec("scram", 9094, true, ListenerAuthentication.SCRAM_SHA_512);
    scram.setMaxConnections(20_000);
    cr.getSpec()
        .setListeners(
            List.of(scram, new ListenerSpec("mtls", 9095, true, ListenerAuthentication.TLS)));

    String properties = serverProperties(tls(cr));

    assertThat(properties)
        .contains("listener.name.scram.max.connections=20000\n")
        .doesNotContain("listener.name.mtls.max.connections")
        .doesNotContain("\nmax.connections");
  }

  @Test
  void givenListeners_thenContainerBootstrapServiceAndNetworkPolicyCarryTheirPorts() {
    ClusterModel model = model("combined-listeners.yaml");

    List<ContainerPort> container =
        model
            .statefulSets()
            .get(0)
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0)
            .getPorts();
    assertThat(container)
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .containsExactly(
            tuple("scram", 9094),
            tuple("mtls", 9095),
            tuple("replication", 9091),
            tuple("controller", 9093),
            tuple("agent", 8080));
    List<ServicePort> bootstrap =
        model.services().stream()
            .filter(s -> s.getMetadata().getName().equals("ledger-bootstrap"))
            .findFirst()
            .orElseThrow()
            .getSpec()
            .getPorts();
    assertThat(bootstrap)
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(tuple("scram", 9094), tuple("mtls", 9095));
    List<NetworkPolicyPort> open = model.networkPolicy().getSpec().getIngress().get(2).getPorts();
    assertThat(open).extracting(p -> p.getPort().getIntVal()).containsExactly(9094, 9095);
    assertThat(model.networkPolicy().getSpec().getIngress().get(2).getFrom()).isNullOrEmpty();
  }

  @Test
  void givenAPlaintextClusterWithItsOneListenerElsewhere_thenThatListenerCarriesTheBrokers() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().setListeners(List.of(new ListenerSpec("clients", 19092, false, null)));

    String properties =
        serverProperties(ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS));

    // Kafka's name stays PLAINTEXT: renaming the inter-broker listener pod by pod would leave a
    // restarted broker without an endpoint of its name on the others, out of every ISR
    assertThat(properties)
        .contains("listeners=CONTROLLER://${POD_IP}:9093,PLAINTEXT://${POD_IP}:19092\n")
        .contains("listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT\n")
        .contains("inter.broker.listener.name=PLAINTEXT\n");
  }

  @Test
  void givenATlsClusterCreatedWithAuthenticatedClients_thenNoListenersRenderTheClientsListener() {
    QuorumCluster implicit = Examples.load("combined.yaml");
    QuorumCluster declared = Examples.load("combined.yaml");
    declared
        .getSpec()
        .setListeners(
            List.of(new ListenerSpec("clients", 9092, true, ListenerAuthentication.SCRAM_SHA_512)));
    ClusterIdentity created = Examples.tlsIdentityWithScramClients(implicit);

    ClusterModel model = ClusterModel.from(implicit, created, Examples.SETTINGS, 0, "c.0");
    ClusterModel same = ClusterModel.from(declared, created, Examples.SETTINGS, 0, "c.0");

    assertThat(serverProperties(model)).isEqualTo(serverProperties(same));
    assertThat(model.services())
        .extracting(s -> s.getSpec().getPorts())
        .isEqualTo(same.services().stream().map(s -> s.getSpec().getPorts()).toList());
    assertThat(model.networkPolicy().getSpec()).isEqualTo(same.networkPolicy().getSpec());
    assertThat(model.statefulSets().get(0).getSpec().getTemplate().getSpec())
        .isEqualTo(same.statefulSets().get(0).getSpec().getTemplate().getSpec());
    assertThat(serverProperties(model))
        .contains("CLIENTS://${POD_IP}:9092")
        .contains("CLIENTS:SASL_SSL")
        .contains("listener.name.clients.sasl.enabled.mechanisms=SCRAM-SHA-512\n")
        .doesNotContain("PLAINTEXT");
    assertThat(ClientListener.of(implicit.getSpec(), created))
        .containsExactly(ClientListener.CLIENTS);
    assertThat(ClientListener.anyAnonymous(ClientListener.of(implicit.getSpec(), created)))
        .isFalse();
  }

  @Test
  void givenAClusterCreatedBeforeAuthenticatedClients_thenNoListenersRenderTheAnonymous9092() {
    QuorumCluster cr = Examples.load("combined.yaml");

    assertThat(ClientListener.of(cr.getSpec(), Examples.tlsIdentity(cr)))
        .containsExactly(ClientListener.DEFAULT);
    assertThat(ClientListener.of(cr.getSpec(), null)).containsExactly(ClientListener.DEFAULT);
    assertThat(serverProperties(tls(cr))).contains("PLAINTEXT://${POD_IP}:9092");
  }

  private static ClusterModel model(String example) {
    return tls(Examples.load(example));
  }

  private static ClusterModel tls(QuorumCluster cr) {
    return ClusterModel.from(
        cr, Examples.tlsIdentity(cr), Examples.SETTINGS, 0, Examples.CERTIFICATES);
  }

  private static String serverProperties(ClusterModel model) {
    return model.configMaps().get(0).getData().get(ConfigMapModel.SERVER_PROPERTIES);
  }
}
