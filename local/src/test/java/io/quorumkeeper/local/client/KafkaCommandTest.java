package io.quorumkeeper.local.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quorumkeeper.local.InputException;
import io.quorumkeeper.local.MainCommands;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./quorum-keeper kafka ...}: what is the command's, what is the tool's. */
class KafkaCommandTest {

  @Test
  void givenOptionsThenATool_thenTheOptionsAreTheCommandsAndTheRestIsTheTools() {
    KafkaCommand command =
        KafkaCommand.parse(
            List.of(
                "--cluster",
                "ledger",
                "--listener",
                "scram",
                "-n",
                "kafka",
                "kafka-topics",
                "--create",
                "--topic",
                "orders",
                "--cluster",
                "x"));

    assertThat(command.cluster()).contains("ledger");
    assertThat(command.listener()).contains("scram");
    assertThat(command.namespace()).isEqualTo("kafka");
    assertThat(command.tool()).contains("kafka-topics");
    assertThat(command.toolArgs())
        .containsExactly("--create", "--topic", "orders", "--cluster", "x");
    assertThat(command.admin()).isFalse();
  }

  @Test
  void givenNoBootstrapOrConfig_thenBothAreAddedInFrontForTheSubcommandTools() {
    KafkaCommand command =
        KafkaCommand.parse(List.of("--admin", "kafka-metadata-quorum", "describe", "--status"));

    assertThat(command.argsWith("ledger-bootstrap.default.svc:9091", "/tmp/c.properties"))
        .containsExactly(
            "--bootstrap-server",
            "ledger-bootstrap.default.svc:9091",
            "--command-config",
            "/tmp/c.properties",
            "describe",
            "--status");
  }

  @Test
  void givenTheUsersOwnBootstrapAndConfig_thenTheirsAreKept() {
    KafkaCommand command =
        KafkaCommand.parse(
            List.of(
                "kafka-topics.sh",
                "--bootstrap-controller",
                "ledger-node-0:9093",
                "--command-config",
                "mine.properties",
                "--list"));

    assertThat(command.argsWith("b:9094", "/tmp/c.properties"))
        .containsExactly(
            "--bootstrap-controller",
            "ledger-node-0:9093",
            "--command-config",
            "mine.properties",
            "--list");
  }

  @Test
  void givenHelp_thenUsageOnlyAndNoTool() {
    assertThat(KafkaCommand.parse(List.of("--help")).help()).isTrue();
    assertThat(KafkaCommand.parse(List.of("kafka-topics", "--help")).toolHelp()).isTrue();
    assertThat(KafkaCommand.USAGE).contains("kafka-console-producer", "--admin", "--listener");
  }

  @Test
  void givenWrongInput_thenOneReadableLineEach() {
    assertThatThrownBy(() -> KafkaCommand.parse(List.of("kafka-topix", "--list")))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("unknown tool kafka-topix; the tools are: kafka-topics ");
    assertThatThrownBy(() -> KafkaCommand.parse(List.of("--cluster")))
        .isInstanceOf(InputException.class)
        .hasMessage("--cluster needs a value");
    assertThatThrownBy(() -> KafkaCommand.parse(List.of("--topic", "x", "kafka-topics")))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith(
            "unknown option --topic (the tool's own options go after its name)");
    assertThatThrownBy(() -> KafkaCommand.parse(List.of("--cluster", "a")))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("kafka needs a tool");
    assertThatThrownBy(
            () -> KafkaCommand.parse(List.of("--admin", "--listener", "a", "kafka-acls")))
        .isInstanceOf(InputException.class)
        .hasMessage("--admin and --listener exclude each other");
  }

  @Test
  void givenAnUnknownToolOrNoRuntime_thenExitCodes2And1() {
    MainCommands.Outcome unknown = MainCommands.run("kafka", "kafka-nope");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("error: unknown tool kafka-nope");

    MainCommands.Outcome noRuntime =
        MainCommands.run("kafka", "--dir", "target/no-runtime-here", "kafka-topics", "--list");
    assertThat(noRuntime.code()).isEqualTo(1);
    assertThat(noRuntime.err()).contains("no runtime is running on");
  }

  @Test
  void everyScriptHasAMainClassOfKafkaTools() {
    assertThat(KafkaTools.mainClass("kafka-console-consumer"))
        .contains("org.apache.kafka.tools.consumer.ConsoleConsumer");
    assertThat(KafkaTools.mainClass("kafka-acls.sh")).contains("org.apache.kafka.tools.AclCommand");
    assertThat(KafkaTools.MAIN_CLASSES.values())
        .allMatch(c -> c.startsWith("org.apache.kafka.tools."));
    assertThat(KafkaTools.mainClass("kafka-server-start")).isEmpty();
  }

  @Test
  void givenEachAuthentication_thenTheClientPropertiesAUserWouldWrite() {
    Map<String, String> scram =
        ClientConfig.properties(
            new ClientConfig.Listener("scram", 9094, true, "scram-sha-512"),
            Map.of("username", "ledger-scram-user", "password", "p\"w"),
            "CA");
    assertThat(scram)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.truststore.certificates", "CA")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                + " username=\"ledger-scram-user\" password=\"p\\\"w\";");

    Map<String, String> mtls =
        ClientConfig.properties(
            new ClientConfig.Listener("mtls", 9095, true, "tls"),
            Map.of("username", "u", "user.crt", "CRT", "user.key", "KEY"),
            "CA");
    assertThat(mtls)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.keystore.type", "PEM")
        .containsEntry("ssl.keystore.certificate.chain", "CRT")
        .containsEntry("ssl.keystore.key", "KEY");

    assertThat(
            ClientConfig.properties(
                new ClientConfig.Listener("plain", 9092, false, "none"), Map.of(), null))
        .containsExactly(Map.entry("security.protocol", "PLAINTEXT"));
    assertThatThrownBy(
            () ->
                ClientConfig.properties(
                    new ClientConfig.Listener("mtls", 9095, true, "tls"),
                    Map.of("username", "u"),
                    "CA"))
        .isInstanceOf(InputException.class)
        .hasMessage("Secret of user u has no user.crt");
  }

  @Test
  void theBootstrapIsTheClustersBootstrapServiceOnTheListenersPort() {
    assertThat(ClientConfig.bootstrap("ledger", "default", 9094))
        .isEqualTo("ledger-bootstrap.default.svc:9094");
  }

  @Test
  void givenNoDeclaredListeners_thenTheListenerIsTheOneStatusSaysTheClusterWasCreatedWith() {
    GenericKubernetesResource created = new GenericKubernetesResource();
    created.setAdditionalProperty("spec", Map.of("topology", "Combined"));
    created.setAdditionalProperty(
        "status", Map.of("bootstrap", Map.of("clientAuthentication", "scram-sha-512")));
    GenericKubernetesResource before = new GenericKubernetesResource();
    before.setAdditionalProperty("spec", Map.of("topology", "Combined"));
    before.setAdditionalProperty(
        "status", Map.of("bootstrap", Map.of("clientAuthentication", "none")));
    GenericKubernetesResource declared = new GenericKubernetesResource();
    declared.setAdditionalProperty(
        "spec", Map.of("listeners", List.of(Map.of("name", "open", "port", 19092, "tls", false))));
    declared.setAdditionalProperty(
        "status", Map.of("bootstrap", Map.of("clientAuthentication", "scram-sha-512")));

    assertThat(ClientConfig.listeners(created))
        .containsExactly(new ClientConfig.Listener("clients", 9092, true, "scram-sha-512"));
    assertThat(ClientConfig.listeners(before))
        .containsExactly(new ClientConfig.Listener("plain", 9092, false, "none"));
    assertThat(ClientConfig.listeners(new GenericKubernetesResource()))
        .containsExactly(new ClientConfig.Listener("plain", 9092, false, "none"));
    assertThat(ClientConfig.listeners(declared))
        .containsExactly(new ClientConfig.Listener("open", 19092, false, "none"));
  }
}
