package io.quorumkeeper.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.node.LaunchException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class TemplateRendererTest {

  private static final String CONTRACT_TEMPLATE =
      """
      advertised.listeners=CONTROLLER://${QK_POD_HOST}:9093,PLAINTEXT://${QK_POD_HOST}:9092
      controller.listener.names=CONTROLLER
      controller.quorum.auto.join.enable=false
      controller.quorum.bootstrap.servers=orders-node-0.orders-node.kafka.svc:9093
      listeners=CONTROLLER://${POD_IP}:9093,PLAINTEXT://${POD_IP}:9092
      log.dirs=${QK_DATA_DIR}
      node.id=${QK_NODE_ID}
      process.roles=broker,controller
      """;

  private final PodFacts pod =
      new PodFacts(
          "orders-node-2",
          2,
          "kafka",
          "10.1.2.3",
          "orders-node-2.orders-node.kafka.svc",
          Path.of("/etc/quorum/config"),
          Path.of("/var/lib/quorum/data"),
          Path.of("/etc/quorum/secret/agent-token"),
          Path.of("/tmp/work"),
          Optional.of(Path.of("/etc/quorum/tls")));
  private final TemplateRenderer renderer = new TemplateRenderer(PodFacts.PLACEHOLDER_NAMES);

  @Test
  void givenTheContractExample_whenRendered_thenEveryPlaceholderIsFilledFromThePod() {
    String rendered = renderer.render(CONTRACT_TEMPLATE, pod.placeholderValues(2));

    assertThat(rendered)
        .isEqualTo(
            """
            advertised.listeners=CONTROLLER://orders-node-2.orders-node.kafka.svc:9093,PLAINTEXT://orders-node-2.orders-node.kafka.svc:9092
            controller.listener.names=CONTROLLER
            controller.quorum.auto.join.enable=false
            controller.quorum.bootstrap.servers=orders-node-0.orders-node.kafka.svc:9093
            listeners=CONTROLLER://10.1.2.3:9093,PLAINTEXT://10.1.2.3:9092
            log.dirs=/var/lib/quorum/data
            node.id=2
            process.roles=broker,controller
            """);
  }

  @Test
  void givenTheTlsKeysOfTheContract_whenRendered_thenThePodsOwnPemAndTheCaAreNamed() {
    String rendered =
        renderer.render(
            "ssl.keystore.location=${QK_TLS_DIR}/${POD_NAME}.pem\n"
                + "ssl.truststore.location=${QK_TLS_DIR}/ca.crt",
            pod.placeholderValues(2));

    assertThat(rendered)
        .isEqualTo(
            "ssl.keystore.location=/etc/quorum/tls/orders-node-2.pem\n"
                + "ssl.truststore.location=/etc/quorum/tls/ca.crt");
  }

  @Test
  void givenAnUnknownPlaceholder_whenRendered_thenTheErrorNamesItAndItsLine() {
    assertThatThrownBy(() -> renderer.render("a=1\nb=${HOSTNAME}\n", pod.placeholderValues(2)))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("unknown placeholder ${HOSTNAME}")
        .extracting(e -> ((LaunchException) e).exitCode())
        .isEqualTo(LaunchException.BAD_INPUT);
  }

  @Test
  void givenAKnownPlaceholderWithoutValue_whenRendered_thenItIsAnErrorNotAnEmptyString() {
    assertThatThrownBy(() -> renderer.render("ns=${POD_NAMESPACE}", Map.of()))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("${POD_NAMESPACE} has no value");
  }

  @Test
  void givenAnUnterminatedPlaceholder_whenRendered_thenItIsAnError() {
    assertThatThrownBy(() -> renderer.render("x=${POD_IP", pod.placeholderValues(0)))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("unterminated placeholder");
  }

  @Test
  void givenAnEmptyPlaceholderName_whenRendered_thenItIsUnknown() {
    assertThatThrownBy(() -> renderer.render("x=${}", pod.placeholderValues(0)))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("unknown placeholder ${}");
  }

  @Test
  void givenSeveralPlaceholdersOnOneLine_whenRendered_thenAllAreFilled() {
    assertThat(renderer.render("${POD_NAME}/${QK_NODE_ID}/${POD_NAME}", pod.placeholderValues(7)))
        .isEqualTo("orders-node-2/7/orders-node-2");
  }

  @Property
  void textWithoutPlaceholdersIsRenderedUnchanged(@ForAll String text) {
    String safe = text.replace("${", "$ {");
    assertThat(renderer.render(safe, Map.of())).isEqualTo(safe);
  }
}
