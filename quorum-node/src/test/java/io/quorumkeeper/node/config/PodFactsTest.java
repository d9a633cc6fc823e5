package io.quorumkeeper.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.node.LaunchException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PodFactsTest {

  private static Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("POD_NAME", "orders-controller-2");
    env.put("POD_NAMESPACE", "kafka");
    env.put("POD_IP", "10.1.2.3");
    env.put("QK_POD_HOST", "orders-controller-2.orders-controller.kafka.svc");
    env.put("QK_CONFIG_DIR", "/etc/quorum/config");
    env.put("QK_DATA_DIR", "/var/lib/quorum/data");
    env.put("QK_TOKEN_FILE", "/etc/quorum/secret/agent-token");
    return env;
  }

  @Test
  void givenTheContractEnvironment_whenRead_thenTheOrdinalComesFromThePodName() {
    PodFacts pod = PodFacts.fromEnv(env());

    assertThat(pod.ordinal()).isEqualTo(2);
    assertThat(pod.podIp()).isEqualTo("10.1.2.3");
    assertThat(pod.dataDir()).isEqualTo(Path.of("/var/lib/quorum/data"));
    assertThat(pod.workDir()).endsWithRaw(Path.of("quorum-node", "orders-controller-2"));
    assertThat(pod.placeholderValues(102)).containsEntry("QK_NODE_ID", "102");
  }

  @Test
  void givenQkWorkDir_whenRead_thenTheRenderedConfigGoesThere() {
    Map<String, String> env = env();
    env.put("QK_WORK_DIR", "/run/quorum");

    assertThat(PodFacts.fromEnv(env).workDir()).isEqualTo(Path.of("/run/quorum"));
  }

  @Test
  void givenQkTlsDir_whenRead_thenItIsAPlaceholderAndThePodsPemIsFoundThere(@TempDir Path tls)
      throws Exception {
    Map<String, String> env = env();
    env.put("QK_TLS_DIR", tls.toString());
    PodFacts pod = PodFacts.fromEnv(env);
    assertThat(pod.placeholderValues(2)).containsEntry("QK_TLS_DIR", tls.toString());
    assertThat(pod.tlsKeyAndChain()).as("no pem yet: plain HTTP").isEmpty();

    Files.writeString(tls.resolve("orders-controller-2.pem"), "pem");

    assertThat(pod.tlsKeyAndChain()).hasValue(tls.resolve("orders-controller-2.pem"));
  }

  @Test
  void givenNoQkTlsDir_thenThePlaceholderHasNoValueAndNoTls() {
    PodFacts pod = PodFacts.fromEnv(env());

    assertThat(pod.placeholderValues(2)).doesNotContainKey("QK_TLS_DIR");
    assertThat(pod.tlsKeyAndChain()).isEmpty();
    assertThatThrownBy(
            () ->
                new TemplateRenderer(PodFacts.PLACEHOLDER_NAMES)
                    .render(
                        "ssl.truststore.location=${QK_TLS_DIR}/ca.crt", pod.placeholderValues(2)))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("${QK_TLS_DIR} has no value; is the environment variable set?");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "POD_NAME",
        "POD_IP",
        "QK_POD_HOST",
        "QK_CONFIG_DIR",
        "QK_DATA_DIR",
        "QK_TOKEN_FILE"
      })
  void givenARequiredVariableMissing_whenRead_thenTheErrorNamesIt(String variable) {
    Map<String, String> env = env();
    env.remove(variable);

    assertThatThrownBy(() -> PodFacts.fromEnv(env))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining(variable + " is not set");
  }

  @ParameterizedTest
  @CsvSource({"orders-node-0,0", "a-b-c-17,17", "x-100,100"})
  void ordinalIsTheNumberAfterTheLastDash(String podName, int ordinal) {
    assertThat(PodFacts.ordinalOf(podName)).isEqualTo(ordinal);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"orders", "orders-", "orders-x", "orders-1a", "orders-1-", "orders-12345678"})
  void podNamesWithoutAnOrdinalAreRejected(String podName) {
    assertThatThrownBy(() -> PodFacts.ordinalOf(podName))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("does not end in -<ordinal>");
  }
}
