package io.quorumkeeper.operator.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.model.AcceptedSpec;
import io.quorumkeeper.operator.model.Examples;
import io.quorumkeeper.operator.model.SpecValidator;
import io.quorumkeeper.operator.status.Conditions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The status a pass writes, from what it gathered: no API, no clock but the one given. */
class StatusComposerTest {

  static final Instant NOW = Instant.parse("2026-12-02T06:00:00Z");
  static final Readiness PODS_READY = new Readiness(true, "PodsReady", "3/3 node pods ready");

  final QuorumCluster cr = Examples.load("combined.yaml");
  final Conditions conditions = new Conditions(List.of(), 3, Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void givenAcceptedSpec_thenItIsKeptAsTheLastAcceptedAndSpecInvalidIsFalse() {
    QuorumClusterStatus status = compose(accepted(), List.of());

    assertThat(status.getLastAcceptedSpec()).isEqualTo(AcceptedSpec.write(cr.getSpec()));
    assertThat(condition(status, Conditions.SPEC_INVALID).getStatus()).isEqualTo("False");
    assertThat(condition(status, Conditions.READY).getStatus()).isEqualTo("True");
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void givenRefusedSpec_thenNotReadyTheGenerationIsObservedAndTheLastAcceptedSpecStays() {
    cr.setStatus(new QuorumClusterStatus());
    cr.getStatus().setLastAcceptedSpec("{\"topology\":\"Combined\"}");
    conditions.set(Conditions.SPEC_INVALID, true, "InvalidSpec", "controllers.voters must be odd");
    Acceptance refused =
        new Acceptance(
            new SpecValidator.Result(List.of("controllers.voters must be odd"), List.of()),
            Optional.of(cr));

    QuorumClusterStatus status = compose(refused, List.of());

    assertThat(status.getLastAcceptedSpec()).isEqualTo("{\"topology\":\"Combined\"}");
    assertThat(condition(status, Conditions.SPEC_INVALID).getStatus()).isEqualTo("True");
    assertThat(condition(status, Conditions.READY))
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("SpecInvalid");
              assertThat(c.getMessage())
                  .isEqualTo("generation 3 is refused; the last accepted spec runs");
            });
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void givenClientAclsNotGrantedYet_thenNotReadyUntilTheyAre() {
    QuorumClusterStatus waiting =
        compose(accepted(), List.of(), Optional.of("the client ACLs could not be checked: x"));

    assertThat(condition(waiting, Conditions.READY))
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("ClientAccessPending");
              assertThat(c.getMessage()).contains("client ACLs");
            });
    assertThat(condition(compose(accepted(), List.of()), Conditions.READY).getStatus())
        .isEqualTo("True");
  }

  @Test
  void givenObjectsNotWritten_thenNotReadyNamingThem() {
    QuorumClusterStatus status =
        compose(accepted(), List.of("ConfigMap orders-node-config: exists and does not belong"));

    assertThat(condition(status, Conditions.READY))
        .satisfies(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("ObjectsNotWritten");
              assertThat(c.getMessage()).startsWith("ConfigMap orders-node-config");
            });
  }

  private Acceptance accepted() {
    return new Acceptance(new SpecValidator.Result(List.of(), List.of()), Optional.of(cr));
  }

  private QuorumClusterStatus compose(Acceptance acceptance, List<String> refused) {
    return compose(acceptance, refused, Optional.empty());
  }

  private QuorumClusterStatus compose(
      Acceptance acceptance, List<String> refused, Optional<String> clientsWait) {
    if (cr.getStatus() == null) {
      cr.setStatus(new QuorumClusterStatus());
    }
    QuorumClusterStatus copy = new QuorumClusterStatus();
    copy.setLastAcceptedSpec(cr.getStatus().getLastAcceptedSpec());
    return StatusComposer.compose(
            new StatusComposer.Facts(
                cr,
                3,
                acceptance,
                false,
                PODS_READY,
                Optional.empty(),
                Optional.empty(),
                refused,
                null,
                null,
                clientsWait,
                NOW,
                Duration.ofSeconds(30),
                null,
                Optional.empty()),
            copy,
            conditions)
        .status();
  }

  private static io.fabric8.kubernetes.api.model.Condition condition(
      QuorumClusterStatus status, String type) {
    return Conditions.find(status.getConditions(), type).orElseThrow();
  }
}
