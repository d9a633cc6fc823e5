package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.condition;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.message;
import static io.quorumkeeper.operator.reconcile.QuorumClusterReconcilerApiTest.reason;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.model.AcceptedSpec;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import io.quorumkeeper.operator.testing.QuorumScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * While a spec is refused, the last accepted one ({@code status.lastAcceptedSpec}) runs and heals,
 * unless it is not a spec the operator can run, and it is never followed into a shrink nobody asked
 * for.
 */
class StoredSpecApiTest {

  final ApiHarness api = ApiHarness.start();
  final ClusterEdits cluster = new ClusterEdits(api);

  @AfterEach
  void stop() {
    api.close();
  }

  @Test
  void givenRefusedSpec_whenVoterDies_thenTheLastAcceptedSpecIsStillHealed() {
    QuorumScript quorum = cluster.runningSpare();

    cluster.editSpec("inventory", spec -> spec.getControllers().setVoters(2));
    cluster.awaitRefused("inventory", 2, "controllers.voters must be odd");
    quorum.dead(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(api.get("inventory").getSpec().getControllers().getVoters()).isEqualTo(2);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void givenLastAcceptedSpecEditedToAnEvenQuorum_thenIgnoredTheSpecRunsAgainAndNoVoterMoves() {
    QuorumScript quorum = cluster.runningSpare();
    String accepted = api.get("inventory").getStatus().getLastAcceptedSpec();
    // Voters 2 (refused in a spec) and another volume size, which would make the spec itself
    // refused against it, so that the edited copy is what would run.
    QuorumClusterSpec edited = api.get("inventory").getSpec();
    edited.getControllers().setVoters(2);
    edited.getControllers().getStorage().setSize("20Gi");

    cluster.editStatus(
        "inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(edited)));
    quorum.leader(2, 4);

    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("inventory");
              assertThat(cr.getStatus().getQuorum().getLeaderEpoch()).isEqualTo(4L);
              assertThat(cr.getStatus().getLastAcceptedSpec()).isEqualTo(accepted);
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("False");
            });
    assertThat(quorum.changes).isEmpty();
    assertThat(quorum.voterIds()).containsExactly(0, 1, 2);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * A spec a newer operator accepted and stored, with a field this one does not know, after a
   * downgrade: it read as no spec at all, so while the spec was refused nothing ran or healed. The
   * fields it knows are what it runs (the API server prunes the same fields from the spec).
   */
  @Test
  void givenAStoredSpecWithFieldsOfANewerOperator_whenTheSpecIsRefused_thenItStillHeals()
      throws Exception {
    QuorumScript quorum = cluster.runningSpare();
    cluster.editSpec("inventory", spec -> spec.getControllers().setVoters(2));
    cluster.awaitRefused("inventory", 2, "controllers.voters must be odd");
    ObjectMapper json = new ObjectMapper();
    ObjectNode newer =
        (ObjectNode) json.readTree(api.get("inventory").getStatus().getLastAcceptedSpec());
    newer.put("tieredStorage", "enabled");
    ((ObjectNode) newer.get("controllers")).putArray("zones").add("a").add("b");

    String stored = json.writeValueAsString(newer);

    cluster.editStatus("inventory", cr -> cr.getStatus().setLastAcceptedSpec(stored));
    quorum.dead(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(api.reconciles().failures()).isEmpty();
  }

  @Test
  void
      givenLastAcceptedSpecEditedIntoNonsense_whenTheSpecIsRefused_thenNothingRunsAndNoPassFails() {
    QuorumScript quorum = cluster.runningSpare();
    QuorumClusterSpec edited = api.get("inventory").getSpec();
    edited.getHealing().setUnreachableAfter("soon");
    // The spec refused first: while the spec is one it accepts, any pass writes it back as the
    // last accepted one, which would undo the edit below before the refusal reads it.
    cluster.editSpec("inventory", spec -> spec.getControllers().setVoters(2));
    cluster.awaitRefused("inventory", 2, "controllers.voters must be odd");

    cluster.editStatus(
        "inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(edited)));

    await()
        .untilAsserted(
            () ->
                assertThat(message(api.get("inventory"), Conditions.WARNING))
                    .contains(Acceptance.STORED_SPEC_IGNORED)
                    .contains("healing.unreachableAfter"));
    quorum.dead(1);
    await()
        .during(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(api.reconciles().failures()).isEmpty());
    assertThat(quorum.changes).isEmpty();
  }

  /**
   * An accepted spec that a rule added later refuses (an older operator let a key through): the
   * spec is refused, but the cluster it describes is still healed by it, as before the rule.
   */
  @Test
  void givenAnAcceptedSpecANewerRuleRefuses_whenAVoterDies_thenItIsStillHealed() {
    QuorumScript quorum = cluster.runningSpare();
    QuorumClusterSpec older = api.get("inventory").getSpec();
    older.getKafka().setConfig(new java.util.HashMap<>(Map.of("super.users", "User:ops")));
    // Refused first, so that no pass writes the current spec back over the edited status.
    cluster.editSpec(
        "inventory",
        spec ->
            spec.getKafka().setConfig(new java.util.HashMap<>(Map.of("super.users", "User:ops"))));
    cluster.awaitRefused("inventory", 2, "super.users");
    cluster.editStatus(
        "inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(older)));
    await()
        .during(Duration.ofSeconds(2))
        .untilAsserted(
            () ->
                assertThat(api.get("inventory").getStatus().getLastAcceptedSpec())
                    .isEqualTo(AcceptedSpec.write(older)));
    quorum.dead(1);

    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");
    assertThat(message(api.get("inventory"), Conditions.WARNING))
        .doesNotContain(Acceptance.STORED_SPEC_IGNORED);
    assertThat(api.reconciles().failures()).isEmpty();
  }

  /**
   * A stored spec that asks for fewer voters than the quorum has (written into status by hand, or
   * restored from an old backup) while the spec is refused: healing follows the stored spec, but
   * nobody asked for that shrink, so the voters stay and a Warning says why.
   */
  @Test
  void givenAStoredSpecWithFewerVoters_whenTheSpecIsRefused_thenNoVoterIsRemoved() {
    QuorumScript quorum = cluster.runningSpare();
    QuorumClusterSpec fewer = api.get("inventory").getSpec();
    fewer.getControllers().setVoters(1);
    cluster.editSpec("inventory", spec -> spec.getControllers().setVoters(2));
    cluster.awaitRefused("inventory", 2, "controllers.voters must be odd");

    cluster.editStatus(
        "inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(fewer)));

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(message(api.get("inventory"), Conditions.WARNING))
                    .contains("asks for 1 voters and the quorum has 3")
                    .contains(Acceptance.VOTERS_KEPT));
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(quorum.changes).isEmpty());
    assertThat(quorum.voterIds()).containsExactly(0, 1, 2);
    assertThat(api.get("inventory").getStatus().getLastAcceptedSpec())
        .isEqualTo(AcceptedSpec.write(fewer));

    assertThat(reason(api.get("inventory"), Conditions.WARNING))
        .isEqualTo("LastAcceptedSpecNotFollowed");

    // A voter lost while the count is kept is still replaced, to the count kept.
    quorum.dead(1);
    await().atMost(Duration.ofSeconds(20)).until(() -> quorum.voterIds().equals(List.of(0, 2, 3)));
    assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3");

    // A stored spec that also drops the pod of voter 3, with node 1 back as a caught-up spare: no
    // voter is moved off that pod (no pod goes while the spec is refused), so the count stays 3.
    quorum.alive(1).observer(1, "dir1b");
    QuorumClusterSpec smaller = api.get("inventory").getSpec();
    smaller.getControllers().setReplicas(3);
    smaller.getControllers().setVoters(1);
    cluster.editStatus(
        "inventory", cr -> cr.getStatus().setLastAcceptedSpec(AcceptedSpec.write(smaller)));
    await()
        .during(Duration.ofSeconds(5))
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> assertThat(quorum.changes).containsExactly("remove 1/dir1", "add 3/dir3"));

    // A spec accepted again ends the warning.
    cluster.editSpec("inventory", spec -> spec.getControllers().setVoters(3));
    await()
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              QuorumCluster cr = api.get("inventory");
              assertThat(condition(cr, Conditions.SPEC_INVALID)).isEqualTo("False");
              assertThat(message(cr, Conditions.WARNING)).doesNotContain(Acceptance.VOTERS_KEPT);
            });
    assertThat(quorum.voterIds()).containsExactly(0, 2, 3);
    assertThat(api.reconciles().failures()).isEmpty();
  }
}
