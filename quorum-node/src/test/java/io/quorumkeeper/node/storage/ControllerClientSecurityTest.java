package io.quorumkeeper.node.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ControllerClientSecurityTest {

  /** The TLS contract's controller server.properties, rendered for pod orders-controller-1. */
  private static final String TLS_CONTROLLER =
      """
      advertised.listeners=CONTROLLER://orders-controller-1.orders-controller.kafka.svc:9093
      authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
      controller.listener.names=CONTROLLER
      listener.security.protocol.map=CONTROLLER:SSL,PLAINTEXT:PLAINTEXT,REPLICATION:SSL
      listeners=CONTROLLER://10.1.2.3:9093
      ssl.client.auth=required
      ssl.keystore.location=/etc/quorum/tls/orders-controller-1.pem
      ssl.keystore.type=PEM
      ssl.principal.mapping.rules=RULE:^CN=orders-(node|controller|broker)-[0-9]+$/quorum-keeper-node/,DEFAULT
      ssl.truststore.location=/etc/quorum/tls/ca.crt
      ssl.truststore.type=PEM
      super.users=User:quorum-keeper-node;User:quorum-keeper-operator
      """;

  @Test
  void givenTheContractsTlsController_thenTheAdminUsesSslWithTheNodesOwnPemFiles() {
    assertThat(ControllerClientSecurity.clientProperties(parse(TLS_CONTROLLER)))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol", "SSL",
                "ssl.keystore.type", "PEM",
                "ssl.keystore.location", "/etc/quorum/tls/orders-controller-1.pem",
                "ssl.truststore.type", "PEM",
                "ssl.truststore.location", "/etc/quorum/tls/ca.crt"));
  }

  @Test
  void givenAPlaintextController_thenNoClientSettings() {
    String plaintext =
        """
        controller.listener.names=CONTROLLER
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
        ssl.keystore.location=/somewhere/else.pem
        """;

    assertThat(ControllerClientSecurity.clientProperties(parse(plaintext))).isEmpty();
  }

  @Test
  void givenASslControllerButAnSslClientListener_thenOnlyTheControllerListenerDecides() {
    String mixed =
        """
        controller.listener.names=CONTROLLER
        listener.security.protocol.map=CONTROLLER:PLAINTEXT,CLIENT:SSL
        """;

    assertThat(ControllerClientSecurity.clientProperties(parse(mixed))).isEmpty();
  }

  @Test
  void anEndpointIdentificationSettingIsCarriedEvenWhenEmpty() {
    assertThat(tlsControllerClientWith("ssl.endpoint.identification.algorithm", ""))
        .containsEntry("ssl.endpoint.identification.algorithm", "");
  }

  @Test
  void aListenerPrefixedSettingWinsForTheControllerListener() {
    assertThat(
            tlsControllerClientWith(
                "listener.name.controller.ssl.truststore.location", "/other/ca.crt"))
        .containsEntry("ssl.truststore.location", "/other/ca.crt");
  }

  @Test
  void theFirstControllerListenerIsTheOneTheBootstrapServersUse() {
    assertThat(
            tlsControllerClientWith(
                "controller.listener.names", "CONTROLLER,OLD",
                "listener.security.protocol.map", "CONTROLLER:SSL,OLD:PLAINTEXT"))
        .containsEntry("security.protocol", "SSL");
  }

  @ParameterizedTest
  @CsvSource({
    "CONTROLLER, 'CONTROLLER:SSL,PLAINTEXT:PLAINTEXT', SSL",
    "controller, 'CONTROLLER:ssl', SSL",
    "SSL, '', SSL",
    "CONTROLLER, '', PLAINTEXT",
    "CONTROLLER, ' PLAINTEXT:PLAINTEXT , CONTROLLER : SASL_SSL ', SASL_SSL"
  })
  void protocolOfResolvesAsKafkaDoes(String listener, String map, String protocol) {
    assertThat(ControllerClientSecurity.protocolOf(listener, map)).isEqualTo(protocol);
  }

  /** The client settings for {@link #TLS_CONTROLLER} with the given key, value pairs set on it. */
  private static Map<String, String> tlsControllerClientWith(String... keysAndValues) {
    Properties server = parse(TLS_CONTROLLER);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      server.setProperty(keysAndValues[i], keysAndValues[i + 1]);
    }
    return ControllerClientSecurity.clientProperties(server);
  }

  private static Properties parse(String text) {
    Properties props = new Properties();
    try {
      props.load(new StringReader(text));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return props;
  }
}
