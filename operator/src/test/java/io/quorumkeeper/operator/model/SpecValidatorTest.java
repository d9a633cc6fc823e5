package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.BrokersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.CertificateAuthoritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.ControllersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.IssuerRefSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerAuthentication;
import io.quorumkeeper.operator.api.v1alpha1.spec.ListenerSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.PodTemplate;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpecValidatorTest {

  static final Set<String> SUPPORTED = Set.of("4.4.0");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "combined.yaml",
        "separated.yaml",
        "combined-spare.yaml",
        "combined-listeners.yaml"
      })
  void givenExample_thenValidWithoutWarnings(String file) {
    var result = SpecValidator.validate(Examples.load(file).getSpec(), SUPPORTED);

    assertThat(result.errors()).isEmpty();
    assertThat(result.warnings()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "node.id",
        "process.roles",
        "listeners",
        "controller.quorum.voters",
        "controller.quorum.bootstrap.servers",
        "log.dirs",
        "metadata.log.dir"
      })
  void givenOperatorOwnedKey_thenRejectedNamingTheKey(String key) {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().getConfig().put(key, "x");

    var result = SpecValidator.validate(cr.getSpec(), SUPPORTED);

    assertThat(result.valid()).isFalse();
    assertThat(result.errors()).singleElement().asString().contains(key).contains("operator owns");
  }

  @Test
  void givenUnsupportedVersion_thenRejectedListingSupportedOnes() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().setVersion("3.9.0");

    assertThat(SpecValidator.validate(cr.getSpec(), SUPPORTED).errors())
        .containsExactly("kafka.version 3.9.0 is not supported; supported versions: 4.4.0");
  }

  @Test
  void givenEvenOrTooManyVoters_thenRejected() {
    QuorumCluster cr = Examples.load("combined-spare.yaml");
    cr.getSpec().getControllers().setVoters(4);
    assertThat(SpecValidator.validate(cr.getSpec(), SUPPORTED).errors())
        .containsExactly(ControllersSpec.VOTERS_ODD);

    cr.getSpec().getControllers().setVoters(5);
    assertThat(SpecValidator.validate(cr.getSpec(), SUPPORTED).errors())
        .containsExactly(ControllersSpec.VOTERS_WITHIN_REPLICAS);
  }

  @Test
  void givenBrokersInCombinedTopology_thenRejected() {
    QuorumCluster cr = Examples.load("combined.yaml");
    BrokersSpec brokers = new BrokersSpec();
    brokers.setReplicas(3);
    cr.getSpec().setBrokers(brokers);

    assertThat(SpecValidator.validate(cr.getSpec(), SUPPORTED).errors())
        .containsExactly(QuorumClusterSpec.BROKERS_ONLY_SEPARATED);
  }

  @Test
  void givenSmallRequests_thenWarnedButValid() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec()
        .getControllers()
        .setResources(
            new ResourceRequirementsBuilder()
                .addToRequests("memory", new Quantity("512Mi"))
                .addToRequests("cpu", new Quantity("250m"))
                .build());

    var result = SpecValidator.validate(cr.getSpec(), SUPPORTED);

    assertThat(result.valid()).isTrue();
    assertThat(result.warnings())
        .containsExactly(
            "controllers request 512Mi memory; Kafka's docs recommend at least a 1 GiB heap, so 2Gi per pod",
            "controllers request 250m CPU; Kafka's docs recommend a dedicated CPU per pod");
  }

  @Test
  void givenAnAnonymousListenerOnATlsCluster_thenAWarningNamesIt_andOnPlaintextTheTransportDoes() {
    QuorumCluster cr = Examples.load("combined-listeners.yaml");
    var listeners = new java.util.ArrayList<>(cr.getSpec().getListeners());
    listeners.add(new ListenerSpec("open", 9092, false, ListenerAuthentication.NONE));
    cr.getSpec().setListeners(listeners);

    var result = SpecValidator.validate(cr.getSpec(), SUPPORTED);

    assertThat(result.valid()).isTrue();
    assertThat(result.warnings())
        .containsExactly(
            "listener open lets anonymous clients in: any client that reaches port 9092 can create"
                + " topics and fill disks (authentication: scram-sha-512 or tls closes it)");
    assertThat(result.warningReason()).isEqualTo("AnonymousListener");

    QuorumCluster plain = Examples.load("combined.yaml");
    plain.getSpec().setSecurity(new SecuritySpec());
    plain.getSpec().getSecurity().setTransport(Transport.Plaintext);
    plain.getSpec().setListeners(List.of(new ListenerSpec("open", 19092, false, null)));
    var onPlaintext = SpecValidator.validate(plain.getSpec(), SUPPORTED);
    assertThat(onPlaintext.warnings())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("transport Plaintext: no listener authenticates anyone")
        .contains("port 9093 can add and remove voters");
    assertThat(onPlaintext.warningReason()).isEqualTo("PlaintextTransport");
  }

  @Test
  void
      givenARunningPlaintextCluster_whenItsSpecNamesNoTransportOrIsRefused_thenTheWarningSaysPlaintext() {
    QuorumCluster cr = Examples.load("combined.yaml");

    var result =
        SpecValidator.validate(
            "orders", cr.getSpec(), SUPPORTED, Optional.empty(), Optional.of(Transport.Plaintext));

    assertThat(result.warningReason()).isEqualTo("PlaintextTransport");
    assertThat(SpecValidator.validate(cr.getSpec(), SUPPORTED).warnings()).isEmpty();

    cr.getSpec().getControllers().setVoters(2);
    var refused =
        SpecValidator.validate(
            "orders", cr.getSpec(), SUPPORTED, Optional.empty(), Optional.of(Transport.Plaintext));
    assertThat(refused.valid()).isFalse();
    assertThat(refused.warningReason()).isEqualTo("PlaintextTransport");
  }

  @Test
  void givenRunningCombined_whenSpecSaysSeparated_thenImmutableTopologyWithTheSchemaMessage() {
    QuorumCluster cr = Examples.load("separated.yaml");

    var result =
        SpecValidator.validate("orders", cr.getSpec(), SUPPORTED, Optional.of(Topology.Combined));

    assertThat(result.errors())
        .containsExactly(QuorumClusterSpec.TOPOLOGY_IMMUTABLE + " (it runs Combined)");
  }

  @Test
  void givenRunningPlaintext_whenSpecSaysTls_thenImmutableTransportWithTheSchemaMessage() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().setSecurity(new SecuritySpec());
    cr.getSpec().getSecurity().setTransport(Transport.TLS);

    var refused =
        SpecValidator.validate(
            "orders", cr.getSpec(), SUPPORTED, Optional.empty(), Optional.of(Transport.Plaintext));
    var same =
        SpecValidator.validate(
            "orders", cr.getSpec(), SUPPORTED, Optional.empty(), Optional.of(Transport.TLS));

    assertThat(refused.errors())
        .containsExactly(SecuritySpec.TRANSPORT_IMMUTABLE + " (it runs Plaintext)");
    assertThat(same.errors()).isEmpty();
  }

  @Test
  void givenAProvidedCa_thenAcceptedOnTlsAndRefusedOnPlaintextWithTheSchemaMessage() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().setSecurity(new SecuritySpec());
    cr.getSpec()
        .getSecurity()
        .setCertificateAuthority(
            new CertificateAuthoritySpec(
                null, new IssuerRefSpec("corp-issuer", "ClusterIssuer", "cert-manager.io")));

    var onTls =
        SpecValidator.validate(
            "orders", cr.getSpec(), SUPPORTED, Optional.empty(), Optional.of(Transport.TLS));
    var onPlaintext =
        SpecValidator.validate(
            "orders", cr.getSpec(), SUPPORTED, Optional.empty(), Optional.of(Transport.Plaintext));

    assertThat(onTls.errors()).isEmpty();
    assertThat(onPlaintext.errors()).containsExactly(SecuritySpec.CA_NEEDS_TLS);
  }

  /**
   * A null version (only a server without the schema delivers one) is refused, not thrown on: the
   * supported versions are an immutable set, whose contains(null) throws.
   */
  @Test
  void givenANullKafkaVersion_thenRefusedAsUnsupported() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().setVersion(null);

    var result = SpecValidator.validate(cr.getSpec(), Set.copyOf(SUPPORTED));

    assertThat(result.errors()).singleElement().asString().startsWith("kafka.version null is not");
  }

  /** The API server counts annotations in UTF-8 bytes: 90,000 "€" are 270,000 of them. */
  @Test
  void givenAnnotationsOfMultiByteCharacters_thenCountedInBytesAsTheApiServerCountsThem() {
    QuorumCluster cr = Examples.load("combined.yaml");
    PodTemplate template = new PodTemplate();
    template.setAnnotations(Map.of("note", "\u20ac".repeat(90_000)));
    cr.getSpec().setTemplate(template);

    var result = SpecValidator.validate(cr.getSpec(), SUPPORTED);

    assertThat(result.errors())
        .anySatisfy(e -> assertThat(e).startsWith("template.annotations take 270004 bytes"))
        .anySatisfy(e -> assertThat(e).startsWith("spec takes "));
  }

  @Test
  void givenASpecLargerThanItsCopyInStatusMayBe_thenRefusedNamingItsSize() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().getConfig().put("ssl.truststore.certificates", "x".repeat(30_000));
    cr.getSpec().getKafka().getConfig().put("ssl.keystore.certificate.chain", "x".repeat(30_000));
    cr.getSpec().getKafka().getConfig().put("ssl.keystore.key", "x".repeat(10_000));

    var onPlaintext =
        SpecValidator.validate(
            "orders", cr.getSpec(), SUPPORTED, Optional.empty(), Optional.of(Transport.Plaintext));

    assertThat(onPlaintext.errors())
        .anySatisfy(
            e -> assertThat(e).matches("spec takes 7\\d{4} bytes as JSON; at most 65536: .*"));
  }

  @Test
  void givenTlsOwnedKeys_whenTheClusterIsTls_thenRefusedAndOnPlaintextAccepted() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().getConfig().put("ssl.keystore.location", "/mine");
    cr.getSpec().getKafka().getConfig().put("listener.name.plaintext.sasl.enabled.mechanisms", "x");

    var onNew = SpecValidator.validate(cr.getSpec(), SUPPORTED);
    var onPlaintext =
        SpecValidator.validate(
            "orders", cr.getSpec(), SUPPORTED, Optional.empty(), Optional.of(Transport.Plaintext));

    assertThat(onNew.errors())
        .singleElement()
        .asString()
        .startsWith(
            "kafka.config sets listener.name.plaintext.sasl.enabled.mechanisms,"
                + " ssl.keystore.location, which the operator owns on a TLS cluster");
    assertThat(onPlaintext.errors()).isEmpty();
  }

  /**
   * An authorizer on a Plaintext cluster refuses its own nodes' votes (all ANONYMOUS): followers
   * restart fine, the quorum is lost when the leader restarts last. Refused on every transport.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "authorizer.class.name",
        "super.users",
        "allow.everyone.if.no.acl.found",
        "principal.builder.class",
        "early.start.listeners",
        "max.connections",
        "max.connections.per.ip",
        "max.connections.per.ip.overrides",
        "max.connection.creation.rate",
        "socket.request.max.bytes",
        "queued.max.requests",
        "queued.max.request.bytes",
        // the same per listener (Kafka reads them so), and anything on the quorum's own listener
        "listener.name.controller.max.connections",
        "listener.name.CONTROLLER.max.connection.creation.rate",
        "listener.name.plaintext.max.connections",
        "listener.name.client.principal.builder.class",
        "listener.name.controller.socket.receive.buffer.bytes",
        "listener.name.controller"
      })
  void givenAKeyThatDecidesWhetherTheNodesGetThrough_thenRefusedOnEveryTransport(String key) {
    assertRefusedOnEveryTransport(
        key, "1", "kafka.config sets " + key + ", which decide whether the nodes' own votes");
  }

  /**
   * Values that shape the metadata log every node keeps: a bad one costs every node at once, late
   * (open files, a disk that fills, snapshots without end), so it is refused before any node runs
   * it.
   */
  @ParameterizedTest(name = "{0}={1} -> refused {2}")
  @CsvSource({
    "metadata.log.segment.ms, 1, true",
    "metadata.log.segment.ms, 3599999, true",
    "metadata.log.segment.ms, 3600000, false",
    "metadata.log.segment.ms, 604800000, false",
    "metadata.log.segment.ms, soon, true",
    "metadata.max.idle.interval.ms, 0, true",
    "metadata.max.idle.interval.ms, 1, true",
    "metadata.max.idle.interval.ms, 100, false",
    "metadata.max.idle.interval.ms, 500, false",
    "metadata.max.idle.interval.ms, 60000, false",
    "metadata.max.idle.interval.ms, 60001, true",
    "metadata.max.idle.interval.ms, 99999999999999999999, true",
    "metadata.log.max.record.bytes.between.snapshots, 1, true",
    "metadata.log.max.record.bytes.between.snapshots, 20971520, false",
    "metadata.log.max.record.bytes.between.snapshots, 1073741825, true",
    "metadata.log.max.snapshot.interval.ms, 0, false",
    "metadata.log.max.snapshot.interval.ms, 1, true",
    "metadata.log.max.snapshot.interval.ms, 3600000, false",
    "metadata.max.retention.bytes, -1, false",
    "metadata.max.retention.bytes, 0, true",
    "metadata.max.retention.bytes, 104857600, false",
    "metadata.max.retention.ms, -1, false",
    "metadata.max.retention.ms, 5, true",
    "metadata.max.retention.ms, 604800000, false",
    "metadata.log.segment.min.bytes, 8388608, true",
    "metadata.log.segment.bytes, 1073741824, false",
  })
  void givenAValueThatShapesTheMetadataLog_thenOnlyLivableOnesPass(
      String key, String value, boolean refused) {
    assertRefusedOnlyIf(refused, key, value, "kafka.config");
  }

  /**
   * Broker-wide values Kafka also applies to the controllers' own raft connections (ADR 039): one
   * that breaks them passes a follower's restart unnoticed and costs the quorum once every node
   * runs it.
   */
  @ParameterizedTest(name = "{0}={1} -> refused {2}")
  @CsvSource({
    "connections.max.idle.ms, 200, true",
    "connections.max.idle.ms, 29999, true",
    "connections.max.idle.ms, -1, false",
    "connections.max.idle.ms, -2, true",
    "connections.max.idle.ms, 30000, false",
    "connections.max.idle.ms, 600000, false",
    "socket.connection.setup.timeout.ms, 1, true",
    "socket.connection.setup.timeout.ms, 10000, false",
    "socket.connection.setup.timeout.ms, 60001, true",
    "socket.connection.setup.timeout.max.ms, 999, true",
    "socket.connection.setup.timeout.max.ms, 30000, false",
    "socket.connection.setup.timeout.max.ms, 120001, true",
    "socket.receive.buffer.bytes, 1, true",
    "socket.receive.buffer.bytes, -1, false",
    "socket.receive.buffer.bytes, 102400, false",
    "socket.send.buffer.bytes, 32767, true",
    "socket.send.buffer.bytes, 32768, false",
    "socket.send.buffer.bytes, lots, true",
    "socket.listen.backlog.size, 50, false",
  })
  void givenAValueTheRaftConnectionsRunWith_thenOnlyLivableOnesPass(
      String key, String value, boolean refused) {
    assertRefusedOnlyIf(refused, key, value, "what the controllers' raft connections live with");
  }

  /**
   * Config providers would replace a value by a mounted file (the TLS keys, the agent token), and
   * {@code broker.rack} reaches every client (ADR 043): refused on every transport.
   */
  @ParameterizedTest
  @ValueSource(strings = {"config.providers", "config.providers.dir.class", "config.providers.x"})
  void givenAConfigProviderKey_thenRefusedOnEveryTransport(String key) {
    assertRefusedOnEveryTransport(
        key, "dir", "kafka.config sets " + key + ": config providers replace a value by a file");
  }

  /** {@code key=value} in the example's kafka.config is refused on both transports, so saying. */
  private static void assertRefusedOnEveryTransport(String key, String value, String message) {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().getConfig().put(key, value);

    for (Transport transport : Transport.values()) {
      var result =
          SpecValidator.validate(
              "orders", cr.getSpec(), SUPPORTED, Optional.empty(), Optional.of(transport));
      assertThat(result.errors())
          .as("on %s", transport)
          .singleElement()
          .asString()
          .startsWith(message);
    }
  }

  /**
   * The agent reads the raft metrics over JMX, which Kafka 4 exposes only through a {@code
   * metric.reporters} that names JmxReporter (ADR 043).
   */
  @ParameterizedTest(name = "metric.reporters={0} -> refused {1}")
  @CsvSource({
    "'', true",
    "com.example.Reporter, true",
    "org.apache.kafka.common.metrics.JmxReporter, false",
    "'com.example.Reporter, org.apache.kafka.common.metrics.JmxReporter', false",
  })
  void givenMetricReporters_thenOnlyOnesKeepingJmxPass(String value, boolean refused) {
    assertRefusedOnlyIf(refused, "metric.reporters", value, "JmxReporter");
  }

  /** {@code key=value} in the example's kafka.config is refused, saying {@code why}, or passes. */
  private static void assertRefusedOnlyIf(boolean refused, String key, String value, String why) {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().getConfig().put(key, value);

    var result = SpecValidator.validate("orders", cr.getSpec(), SUPPORTED, Optional.empty());

    if (refused) {
      assertThat(result.errors()).singleElement().asString().contains(key).contains(why);
    } else {
      assertThat(result.errors()).isEmpty();
    }
  }

  @Test
  void givenNoRetentionLimitAtAll_thenRefused_oneLimitIsEnough() {
    QuorumCluster cr = Examples.load("combined.yaml");
    cr.getSpec().getKafka().getConfig().put("metadata.max.retention.bytes", "-1");
    assertThat(SpecValidator.validate("orders", cr.getSpec(), SUPPORTED, Optional.empty()).errors())
        .isEmpty();
    cr.getSpec().getKafka().getConfig().put("metadata.max.retention.ms", "-1");
    assertThat(SpecValidator.validate("orders", cr.getSpec(), SUPPORTED, Optional.empty()).errors())
        .singleElement()
        .asString()
        .isEqualTo(
            "kafka.config sets both metadata.max.retention.bytes and metadata.max.retention.ms to"
                + " -1: the metadata log would never be trimmed; keep a limit on one of them");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Orders", "1orders", "orders.eu", "orders_1", "-orders", "orders-", ""})
  void givenNameThatIsNoDns1035Label_thenRefusedNamingTheRule(String name) {
    var result =
        SpecValidator.validate(
            name, Examples.load("combined.yaml").getSpec(), SUPPORTED, Optional.empty());

    assertThat(result.errors()).singleElement().asString().contains("metadata.name");
  }

  @Test
  void givenNameTooLongForTheStatefulSetRevisionLabel_thenRefusedWithTheLimitOfTheTopology() {
    QuorumCluster combined = Examples.load("combined.yaml");
    QuorumCluster separated = Examples.load("separated.yaml");

    assertThat(
            SpecValidator.validate("a".repeat(46), combined.getSpec(), SUPPORTED, Optional.empty())
                .valid())
        .isTrue();
    assertThat(
            SpecValidator.validate("a".repeat(48), combined.getSpec(), SUPPORTED, Optional.empty())
                .errors())
        .singleElement()
        .asString()
        .contains("at most 47");
    assertThat(
            SpecValidator.validate("a".repeat(42), separated.getSpec(), SUPPORTED, Optional.empty())
                .errors())
        .singleElement()
        .asString()
        .contains("at most 41");
  }
}
