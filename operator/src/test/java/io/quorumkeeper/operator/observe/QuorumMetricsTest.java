package io.quorumkeeper.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quorumkeeper.operator.quorum.Health;
import io.quorumkeeper.operator.quorum.Member;
import io.quorumkeeper.operator.quorum.QuorumView;
import io.quorumkeeper.operator.quorum.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class QuorumMetricsTest {

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final QuorumMetrics metrics = new QuorumMetrics(registry);

  @Test
  void givenMemberLeaves_thenItsLagGaugeGoesAndTheOthersStay() {
    metrics.update("kafka/orders", view(0, 1, 2));

    metrics.update("kafka/orders", view(0, 1));

    assertThat(registry.get("quorumkeeper.quorum.member.lag").gauges())
        .extracting(g -> g.getId().getTag("node_id"))
        .containsExactlyInAnyOrder("0", "1");
  }

  @Test
  void givenNoView_thenMemberGaugesStayAsLastSeen() {
    metrics.update("kafka/orders", view(0, 1, 2));

    metrics.update("kafka/orders", Optional.empty());

    assertThat(registry.get("quorumkeeper.quorum.member.lag").gauges()).hasSize(3);
  }

  @Test
  void givenTwoClusters_whenOneIsForgotten_thenAllItsMetersGoAndTheOthersStay() {
    for (String cluster : List.of("kafka/orders", "kafka/payments")) {
      metrics.update(cluster, view(0, 1, 2));
      metrics.observed(cluster, Duration.ofMillis(5), true);
      metrics.observed(cluster, Duration.ofMillis(5), false);
      metrics.leaderChanged(cluster);
      metrics.conditions(cluster, List.of());
    }
    int payments = meters("payments").size();

    metrics.forget("kafka/orders");

    assertThat(meters("orders")).isEmpty();
    assertThat(meters("payments")).hasSize(payments);
  }

  @Test
  void givenForgottenCluster_whenCreatedAgain_thenItsGaugesReportAgain() {
    metrics.update("kafka/orders", view(0, 1, 2));
    metrics.forget("kafka/orders");

    metrics.update("kafka/orders", view(0, 1, 2));

    assertThat(registry.get("quorumkeeper.quorum.voters").gauge().value()).isEqualTo(3.0);
    assertThat(registry.get("quorumkeeper.quorum.member.lag").gauges()).hasSize(3);
  }

  @Test
  void givenConditions_thenEachTypeIsOneWhenTrueAndZeroOtherwise() {
    metrics.conditions(
        "kafka/orders",
        List.of(
            condition("Ready", "False", "SpecInvalid"),
            condition("SpecInvalid", "True", "InvalidSpec"),
            condition("Healing", "False", "Blocked")));

    assertThat(condition("Ready")).isEqualTo(0.0);
    assertThat(condition("SpecInvalid")).isEqualTo(1.0);
    assertThat(condition("Healing")).isEqualTo(0.0);
    assertThat(condition("HealingBlocked")).isEqualTo(1.0);
    assertThat(condition("QuorumHealthy")).isEqualTo(0.0);
  }

  @Test
  void givenHealingNoLongerBlocked_thenHealingBlockedDropsToZero() {
    metrics.conditions("kafka/orders", List.of(condition("Healing", "False", "Blocked")));

    metrics.conditions("kafka/orders", List.of(condition("Healing", "True", "AddVoter")));

    assertThat(condition("HealingBlocked")).isEqualTo(0.0);
    assertThat(condition("Healing")).isEqualTo(1.0);
  }

  @Test
  void givenConditionGauges_whenClusterIsForgotten_thenTheyGo() {
    metrics.conditions("kafka/orders", List.of(condition("Ready", "True", "Ready")));

    metrics.forget("kafka/orders");

    assertThat(registry.find("quorumkeeper.cluster.condition").gauges()).isEmpty();
  }

  private double condition(String type) {
    return registry.get("quorumkeeper.cluster.condition").tag("type", type).gauge().value();
  }

  private static Condition condition(String type, String status, String reason) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).build();
  }

  private List<Meter> meters(String cluster) {
    return registry.getMeters().stream()
        .filter(m -> cluster.equals(m.getId().getTag("cluster")))
        .toList();
  }

  /** Node 0 leads; every member is a caught-up voter. */
  private static Optional<QuorumView> view(int... nodeIds) {
    List<Member> members = new ArrayList<>();
    for (int id : nodeIds) {
      members.add(
          new Member(
              id,
              "orders-node-" + id,
              "dir" + id,
              id == 0 ? Role.Leader : Role.Follower,
              0,
              0,
              Health.CaughtUp));
    }
    return Optional.of(
        new QuorumView(
            OptionalInt.of(0), 1, 1000, nodeIds.length, (nodeIds.length - 1) / 2, members));
  }
}
