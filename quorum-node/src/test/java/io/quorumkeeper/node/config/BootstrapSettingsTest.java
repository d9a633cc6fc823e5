package io.quorumkeeper.node.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.node.LaunchException;
import java.io.IOException;
import java.io.StringReader;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BootstrapSettingsTest {

  static final String INITIAL =
      "0@c-0.c.kafka.svc:9093:b5Qy2aZ3RlSzq1Tw6HfXyA,1@c-1.c.kafka.svc:9093:Zm9vYmFyYmF6cXV4MTIzNA";

  private static Properties props(String text) {
    Properties props = new Properties();
    try {
      props.load(new StringReader(text));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return props;
  }

  private static String controllerPool(String overrides) {
    return """
        agent.port=8080
        cluster.formed=false
        cluster.id=MkU3OEVBNTcwNTJENDM2Qg
        initial.controllers=%s
        node.id.offset=0
        process.roles=controller
        """
            .formatted(INITIAL)
        + overrides;
  }

  @Test
  void givenAControllerPool_whenParsed_thenInitialControllersAreKeptVerbatim() {
    BootstrapSettings settings = BootstrapSettings.parse(props(controllerPool("")));

    assertThat(settings.agentPort()).isEqualTo(8080);
    assertThat(settings.agentMaxConnections()).isEmpty();
    assertThat(settings.clusterFormed()).isFalse();
    assertThat(settings.roles()).containsExactly(ProcessRole.CONTROLLER);
    assertThat(settings.initialControllers().text()).isEqualTo(INITIAL);
    assertThat(settings.initialControllers().voter(1))
        .hasValue(
            new InitialControllers.Voter(1, "c-1.c.kafka.svc", 9093, "Zm9vYmFyYmF6cXV4MTIzNA"));
    assertThat(settings.initialControllers().voter(2)).isEmpty();
  }

  @Test
  void givenABrokerPool_whenParsed_thenNoInitialControllersAreNeeded() {
    BootstrapSettings settings =
        BootstrapSettings.parse(
            props(
                """
                agent.port=8080
                cluster.formed=false
                cluster.id=MkU3OEVBNTcwNTJENDM2Qg
                node.id.offset=100
                process.roles=broker
                """));

    assertThat(settings.nodeIdOffset()).isEqualTo(100);
    assertThat(settings.isController()).isFalse();
    assertThat(settings.initialControllers().isEmpty()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cluster.id=short                           | cluster.id 'short' is not a 22-character",
        "cluster.formed=yes                         | cluster.formed must be true or false",
        "agent.port=70000                           | agent.port must be an integer in [1, 65535]",
        "agent.max.connections=0                    | agent.max.connections must be an integer",
        "node.id.offset=-1                          | node.id.offset must be an integer",
        "process.roles=zookeeper                    | unknown role 'zookeeper'",
        "process.roles=controller,controller        | names 'controller' twice",
        "initial.controllers=0@host:9093            | is not id@host:port:directoryId",
        "initial.controllers=                       | cluster.formed=false on a controller pool needs initial.controllers",
      })
  void givenABadValue_whenParsed_thenTheErrorSaysWhatIsWrong(String override, String message) {
    assertThatThrownBy(() -> BootstrapSettings.parse(props(controllerPool(override + "\n"))))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining(message.strip());
  }

  @Test
  void givenAgentMaxConnections_whenParsed_thenTheAgentLimitIsKept() {
    BootstrapSettings settings =
        BootstrapSettings.parse(props(controllerPool("agent.max.connections=8\n")));

    assertThat(settings.agentMaxConnections()).hasValue(8);
    assertThat(BootstrapSettings.unknownKeys(props(controllerPool("agent.max.connections=8\n"))))
        .isEmpty();
  }

  @Test
  void givenAMissingKey_whenParsed_thenTheErrorNamesIt() {
    Properties props = props(controllerPool(""));
    props.remove("cluster.id");

    assertThatThrownBy(() -> BootstrapSettings.parse(props))
        .hasMessageContaining("no value for cluster.id");
  }

  @Test
  void givenDuplicateInitialControllerIds_whenParsed_thenRejected() {
    assertThatThrownBy(
            () ->
                InitialControllers.parse(
                    "0@a:9093:b5Qy2aZ3RlSzq1Tw6HfXyA,0@b:9093:Zm9vYmFyYmF6cXV4MTIzNA"))
        .hasMessageContaining("node id 0 twice");
  }

  @Test
  void givenAReservedDirectoryId_whenParsed_thenRejectedBeforeAnythingIsFormatted() {
    assertThatThrownBy(() -> InitialControllers.parse("0@a:9093:AAAAAAAAAAAAAAAAAAAAAQ"))
        .isInstanceOf(LaunchException.class)
        .hasMessageContaining("reserved directory id");
  }

  @Test
  void unknownKeysAreReportedNotRejected() {
    Properties props = props(controllerPool("future.key=1\n"));

    assertThat(BootstrapSettings.unknownKeys(props)).isEqualTo(Set.of("future.key"));
    assertThat(BootstrapSettings.parse(props).clusterId()).isEqualTo("MkU3OEVBNTcwNTJENDM2Qg");
  }
}
