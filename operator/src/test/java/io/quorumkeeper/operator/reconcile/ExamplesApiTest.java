package io.quorumkeeper.operator.reconcile;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.status.Conditions;
import io.quorumkeeper.operator.testing.ApiHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file in examples/ parses, is accepted and is reconciled into its pools. */
class ExamplesApiTest {

  static Stream<Path> examples() throws IOException {
    try (var files = Files.list(Path.of("../examples"))) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("examples")
  void givenExample_whenApplied_thenAcceptedAndEveryPoolHasItsStatefulSet(Path example) {
    try (ApiHarness api = ApiHarness.start()) {
      QuorumCluster cr = api.create(example);
      String name = cr.getMetadata().getName();

      await()
          .untilAsserted(
              () ->
                  assertThat(
                          QuorumClusterReconcilerApiTest.condition(
                              api.get(name), Conditions.SPEC_INVALID))
                      .isEqualTo("False"));
      for (Pool pool : ClusterModel.pools(cr)) {
        await()
            .untilAsserted(
                () ->
                    assertThat(
                            api.client()
                                .apps()
                                .statefulSets()
                                .inNamespace(NAMESPACE)
                                .withName(pool.name())
                                .get()
                                .getSpec()
                                .getReplicas())
                        .isEqualTo(pool.replicas()));
      }
    }
  }
}
