package io.quorumkeeper.operator.model;

import static io.quorumkeeper.operator.model.ClusterModelTest.podTemplateAnnotation;
import static io.quorumkeeper.operator.model.ClusterModelTest.serverProperties;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a TLS cluster renders (docs/security.md); a plaintext one renders as ClusterModelTest. */
class TlsModelTest {

  @ParameterizedTest
  @ValueSource(strings = {"combined", "separated", "combined-listeners"})
  void givenTlsExample_whenRendered_thenEveryObjectMatchesItsReviewedDocument(String example)
      throws IOException {
    ClusterModelTest.assertMatchesGolden(model(example), example + "-tls");
  }

  @Test
  void givenABrokerPool_thenServerPropertiesAreTheContractsWithTheClusterInTheMappingRule() {
    String broker = serverProperties(model("separated"), 1);

    assertThat(broker)
        .isEqualTo(
            """
            advertised.listeners=REPLICATION://${QK_POD_HOST}:9091,PLAINTEXT://${QK_POD_HOST}:9092
            authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
            controller.listener.names=CONTROLLER
            controller.quorum.auto.join.enable=false
            controller.quorum.bootstrap.servers=payments-controller-0.payments-controller.kafka.svc:9093,\
            payments-controller-1.payments-controller.kafka.svc:9093,\
            payments-controller-2.payments-controller.kafka.svc:9093
            inter.broker.listener.name=REPLICATION
            listener.security.protocol.map=CONTROLLER:SSL,PLAINTEXT:PLAINTEXT,REPLICATION:SSL
            listeners=REPLICATION://${POD_IP}:9091,PLAINTEXT://${POD_IP}:9092
            log.dirs=${QK_DATA_DIR}
            node.id=${QK_NODE_ID}
            offsets.topic.replication.factor=3
            process.roles=broker
            ssl.client.auth=required
            ssl.keystore.location=${QK_TLS_DIR}/${POD_NAME}.pem
            ssl.keystore.type=PEM
            ssl.principal.mapping.rules=RULE:^CN=payments-(node|controller|broker)-[0-9]+$/\
            quorum-keeper-node/,RULE:^CN=(quorum-keeper-operator)$/$1/,DEFAULT
            ssl.truststore.location=${QK_TLS_DIR}/ca.crt
            ssl.truststore.type=PEM
            super.users=User:quorum-keeper-node;User:quorum-keeper-operator
            transaction.state.log.min.isr=2
            transaction.state.log.replication.factor=3
            """);
  }

  @Test
  void givenACombinedPool_thenAllThreeListenersAndReplicationBetweenBrokers() {
    String node = serverProperties(model("combined"), 0);

    assertThat(node)
        .contains(
            "listeners=CONTROLLER://${POD_IP}:9093,REPLICATION://${POD_IP}:9091,"
                + "PLAINTEXT://${POD_IP}:9092\n")
        .contains(
            "advertised.listeners=CONTROLLER://${QK_POD_HOST}:9093,"
                + "REPLICATION://${QK_POD_HOST}:9091,PLAINTEXT://${QK_POD_HOST}:9092\n")
        .contains("inter.broker.listener.name=REPLICATION\n")
        .contains("RULE:^CN=orders-(node|controller|broker)-[0-9]+$/quorum-keeper-node/");
  }

  @Test
  void givenAControllerPool_thenOnlyTheControllerListenerOverTls() {
    String controller = serverProperties(model("separated"), 0);

    assertThat(controller)
        .contains("listeners=CONTROLLER://${POD_IP}:9093\n")
        .contains("listener.security.protocol.map=CONTROLLER:SSL,")
        .doesNotContain("inter.broker.listener.name");
  }

  @Test
  void givenUserConfigOfKeysOwnedOnTls_thenTheOperatorsValuesStayAndPlaintextKeepsTheUsers() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().getConfig().put("ssl.client.auth", "none");
    cr.getSpec().getKafka().getConfig().put("super.users", "User:ANONYMOUS");

    String tls =
        serverProperties(
            ClusterModel.from(cr, Examples.tlsIdentity(cr), Examples.SETTINGS, 0, "x.0"), 0);
    String plain =
        serverProperties(ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS), 0);

    assertThat(tls).contains("ssl.client.auth=required\n").doesNotContain("ANONYMOUS");
    assertThat(plain)
        .contains("ssl.client.auth=none\n")
        .doesNotContain("StandardAuthorizer")
        .doesNotContain("super.users");
  }

  /**
   * A Plaintext cluster's one authorizer keeps voter changes to the controller listener, whatever
   * the spec says of authorizers (ADR 032); a TLS cluster has Kafka's own.
   */
  @Test
  void givenAPlaintextCluster_thenVoterChangesAreGuardedOnEveryPool() {
    for (String example : List.of("combined.yaml", "separated.yaml")) {
      QuorumCluster cr = Examples.load(example);
      cr.getSpec().getKafka().getConfig().put("authorizer.class.name", "");
      cr.getSpec().getKafka().getConfig().put("principal.builder.class", "x.Y");
      ClusterModel plain = ClusterModel.from(cr, Examples.identity(cr), Examples.SETTINGS);
      for (int pool = 0; pool < plain.statefulSets().size(); pool++) {
        assertThat(serverProperties(plain, pool))
            .as("%s pool %d", example, pool)
            .contains("authorizer.class.name=io.quorumkeeper.node.kafka.VoterChangeGuard\n")
            .contains(
                "principal.builder.class="
                    + "io.quorumkeeper.node.kafka.ControllerListenerPrincipalBuilder\n")
            .doesNotContain("x.Y");
      }
    }
    QuorumCluster cr = Examples.load("combined.yaml");
    assertThat(
            serverProperties(
                ClusterModel.from(cr, Examples.tlsIdentity(cr), Examples.SETTINGS, 0, "x.0"), 0))
        .doesNotContain("VoterChangeGuard")
        .doesNotContain("ControllerListenerPrincipalBuilder");
  }

  @Test
  void givenATlsPod_thenTheTlsSecretIsMountedAndAnnouncedAndProbesUseHttps() {
    StatefulSet broker = model("separated").statefulSets().get(1);
    var pod = broker.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    assertThat(pod.getVolumes())
        .anySatisfy(
            v -> {
              assertThat(v.getName()).isEqualTo("tls");
              assertThat(v.getSecret().getSecretName()).isEqualTo("payments-tls");
              assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
            });
    assertThat(container.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getName()).isEqualTo("tls");
              assertThat(m.getMountPath()).isEqualTo("/etc/quorum/tls");
              assertThat(m.getReadOnly()).isTrue();
            });
    assertThat(container.getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(org.assertj.core.groups.Tuple.tuple("QK_TLS_DIR", "/etc/quorum/tls"));
    assertThat(container.getPorts())
        .extracting(ContainerPort::getName, ContainerPort::getContainerPort)
        .contains(org.assertj.core.groups.Tuple.tuple("replication", 9091));
    assertThat(container.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(container.getLivenessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
    assertThat(broker.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry(Labels.CERTIFICATES, Examples.CERTIFICATES);
  }

  @Test
  void givenATlsCluster_thenBrokerPoolsExposeReplicationAndControllerPoolsDoNot() {
    var services = model("separated").services();

    assertThat(services.get(0).getSpec().getPorts())
        .extracting(ServicePort::getPort)
        .containsExactly(9093, 8080);
    assertThat(services.get(1).getSpec().getPorts())
        .extracting(ServicePort::getName, ServicePort::getPort)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("kafka", 9092),
            org.assertj.core.groups.Tuple.tuple("replication", 9091),
            org.assertj.core.groups.Tuple.tuple("agent", 8080));
  }

  @Test
  void givenANewCertificatesRevision_thenThePodTemplateHashChangesAndOnlyThen() {
    QuorumCluster cr = Examples.load("combined.yaml");
    String before = templateHash(cr, "0123456789ab.0");

    assertThat(templateHash(cr, "0123456789ab.0")).isEqualTo(before);
    assertThat(templateHash(cr, "0123456789ab.1")).isNotEqualTo(before);
  }

  private static String templateHash(QuorumCluster cr, String certificates) {
    return podTemplateAnnotation(
        ClusterModel.from(cr, Examples.tlsIdentity(cr), Examples.SETTINGS, 0, certificates),
        Labels.TEMPLATE_HASH);
  }

  private static ClusterModel model(String example) {
    QuorumCluster cr = Examples.load(example + ".yaml");
    return ClusterModel.from(
        cr, Examples.tlsIdentity(cr), Examples.SETTINGS, 0, Examples.CERTIFICATES);
  }
}
