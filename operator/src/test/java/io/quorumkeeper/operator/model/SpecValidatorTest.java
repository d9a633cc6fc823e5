package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.BrokersSpec;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecValidatorTest {

  static final Set<String> SUPPORTED = Set.of("4.4.0");

  @ParameterizedTest
  @ValueSource(strings = {"combined.yaml", "separated.yaml", "combined-spare.yaml"})
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
    assertThat(SpecValidator.validate(cr.getSpec(), SUPPORTED).errors()).hasSize(1);

    cr.getSpec().getControllers().setVoters(5);
    assertThat(SpecValidator.validate(cr.getSpec(), SUPPORTED).errors())
        .containsExactly("controllers.voters (5) cannot exceed controllers.replicas (4)");
  }

  @Test
  void givenBrokersInCombinedTopology_thenRejected() {
    QuorumCluster cr = Examples.load("combined.yaml");
    BrokersSpec brokers = new BrokersSpec();
    brokers.setReplicas(3);
    cr.getSpec().setBrokers(brokers);

    assertThat(SpecValidator.validate(cr.getSpec(), SUPPORTED).errors())
        .containsExactly("spec.brokers can only be set with topology Separated");
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
}
