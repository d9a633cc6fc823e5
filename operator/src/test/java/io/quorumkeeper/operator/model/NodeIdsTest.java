package io.quorumkeeper.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.operator.api.v1alpha1.spec.ControllersSpec;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeIdsTest {

  @ParameterizedTest(name = "{0} pod ordinal {1} is node id {2}")
  @CsvSource({
    "NODE, 0, 0",
    "NODE, 3, 3",
    "CONTROLLER, 0, 0",
    "CONTROLLER, 4, 4",
    "BROKER, 0, 100",
    "BROKER, 2, 102"
  })
  void givenPoolAndOrdinal_thenNodeIdIsStable(PoolKind kind, int ordinal, int nodeId) {
    Pool pool = new Pool("orders", "kafka", kind, 5, null, null);

    assertThat(pool.nodeId(ordinal)).isEqualTo(nodeId);
    assertThat(pool.podName(ordinal)).isEqualTo("orders-" + kind.suffix() + "-" + ordinal);
  }

  @ParameterizedTest(name = "replicas {0} without voters → {1} voters")
  @CsvSource({"1, 1", "2, 1", "3, 3", "4, 3", "5, 5", "10, 9", "12, 9"})
  void givenNoVoterCount_thenDefaultIsLargestOddNotAboveReplicas(int replicas, int voters) {
    ControllersSpec controllers = new ControllersSpec();
    controllers.setReplicas(replicas);

    assertThat(controllers.desiredVoters()).isEqualTo(voters);
  }

  @ParameterizedTest
  @CsvSource({"NODE, 'broker,controller'", "CONTROLLER, controller", "BROKER, broker"})
  void givenPoolKind_thenProcessRolesMatch(PoolKind kind, String roles) {
    assertThat(kind.processRoles()).isEqualTo(roles);
    assertThat(List.of(roles.split(",")).contains("controller"))
        .isEqualTo(kind.hasControllerRole());
  }
}
