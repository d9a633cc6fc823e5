package io.quorumkeeper.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.local.client.ClientConfig;
import io.quorumkeeper.local.client.KafkaCommand;
import io.quorumkeeper.local.client.KafkaVerb;
import io.quorumkeeper.local.client.ToolLauncher;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * examples/combined-listeners.yaml as-is on the local runtime, used the way a user does with {@code
 * ./quorum-keeper kafka}: Kafka's own tools, in their own JVMs, with the credentials of the
 * listeners' user Secrets. The SCRAM user and the certificate user each create a topic, produce and
 * consume; a wrong password and a missing certificate are refused; the operator's certificate
 * ({@code --admin}) describes the quorum as status.quorum does, which a user may not.
 */
@TestMethodOrder(OrderAnnotation.class)
class ClientListenersE2ETest {

  @RegisterExtension
  static final LocalRuntimeExtension local = new LocalRuntimeExtension("listeners", "127.0.45");

  private static final Pattern LEADER = Pattern.compile("LeaderId:\\s+(\\d+)");

  @Test
  @Order(1)
  void givenTheListenersExample_whenApplied_thenReadyWithBothUsersSecrets() {
    local.runtime().apply(LocalRuntimeExtension.HOME.resolve("examples/combined-listeners.yaml"));

    local.awaitReady("ledger", 3);

    assertThat(local.client().secrets().inNamespace("default").withName("ledger-scram-user").get())
        .isNotNull();
    assertThat(local.client().secrets().inNamespace("default").withName("ledger-mtls-user").get())
        .isNotNull();
  }

  @Test
  @Order(2)
  void givenTheScramUser_thenItCreatesATopicProducesAndConsumes() {
    roundTrip("scram", "scram-orders");
  }

  @Test
  @Order(3)
  void givenTheCertificateUser_thenItCreatesATopicProducesAndConsumes() {
    roundTrip("mtls", "mtls-orders");
  }

  @Test
  @Order(4)
  void givenAWrongPassword_thenTheScramListenerRefusesIt() {
    ToolLauncher.Result wrong =
        kafka(
            config ->
                config.with(
                    "sasl.jaas.config", ClientConfig.scramLogin("ledger-scram-user", "not-it")),
            "",
            "--listener",
            "scram",
            "kafka-topics",
            "--list");

    assertThat(wrong.exitCode()).as(wrong.output()).isNotZero();
    assertThat(wrong.output()).contains("SaslAuthenticationException");
  }

  @Test
  @Order(5)
  void givenNoCertificate_thenTheMtlsListenerRefusesTheClient() {
    ToolLauncher.Result anonymous =
        kafka(
            config ->
                config
                    .with("ssl.keystore.type", null)
                    .with("ssl.keystore.key", null)
                    .with("ssl.keystore.certificate.chain", null),
            "",
            "--listener",
            "mtls",
            "kafka-topics",
            "--list");

    assertThat(anonymous.exitCode()).as(anonymous.output()).isNotZero();
    assertThat(anonymous.output()).contains("SslAuthenticationException");
  }

  @Test
  @Order(6)
  void givenTheOperatorsCertificate_thenTheQuorumItDescribesIsStatusQuorum_andAUserMayNot() {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              ToolLauncher.Result described =
                  kafka(c -> c, "", "--admin", "kafka-metadata-quorum", "describe", "--status");
              assertThat(described.exitCode()).as(described.output()).isZero();
              Matcher leader = LEADER.matcher(described.output());
              assertThat(leader.find()).as(described.output()).isTrue();
              assertThat(Integer.parseInt(leader.group(1)))
                  .isEqualTo(local.quorum("ledger").leaderId());
            });

    ToolLauncher.Result user =
        kafka(c -> c, "", "--listener", "scram", "kafka-metadata-quorum", "describe", "--status");
    assertThat(user.exitCode()).as(user.output()).isNotZero();
    assertThat(user.output()).contains("ClusterAuthorizationException");
  }

  /** Creates a topic, produces three records and reads them back, all as the listener's user. */
  private static void roundTrip(String listener, String topic) {
    ToolLauncher.Result created =
        kafka(
            c -> c,
            "",
            "--listener",
            listener,
            "kafka-topics",
            "--create",
            "--topic",
            topic,
            "--partitions",
            "3",
            "--replication-factor",
            "3");
    assertThat(created.exitCode()).as(created.output()).isZero();

    ToolLauncher.Result produced =
        kafka(
            c -> c,
            "one\ntwo\nthree\n",
            "--listener",
            listener,
            "kafka-console-producer",
            "--topic",
            topic);
    assertThat(produced.exitCode()).as(produced.output()).isZero();

    ToolLauncher.Result consumed =
        kafka(
            c -> c,
            "",
            "--listener",
            listener,
            "kafka-console-consumer",
            "--topic",
            topic,
            "--from-beginning",
            "--max-messages",
            "3",
            "--timeout-ms",
            "60000");
    assertThat(consumed.exitCode()).as(consumed.output()).isZero();
    assertThat(consumed.output().lines()).contains("one", "two", "three");
  }

  /**
   * {@code ./quorum-keeper kafka ARGS} as {@link KafkaVerb} runs it, with the client config it
   * builds changed by {@code tamper} first; {@code input} on the tool's stdin.
   */
  private static ToolLauncher.Result kafka(
      UnaryOperator<ClientConfig> tamper, String input, String... args) {
    KafkaCommand command = KafkaCommand.parse(List.of(args));
    ClientConfig config = tamper.apply(KafkaVerb.config(local.client(), command));
    return new ToolLauncher(LocalRuntimeExtension.HOME, local.options().hostsFile())
        .run(command, config, input);
  }
}
