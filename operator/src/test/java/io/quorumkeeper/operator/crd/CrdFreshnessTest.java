package io.quorumkeeper.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD committed in {@code crds/} (what users install) must be the one the model generates. The
 * build copies it there during {@code package}; this test runs before that and fails when a model
 * change was not followed by a regenerated CRD.
 */
class CrdFreshnessTest {

  @Test
  void givenJavaModel_thenCommittedCrdIsTheGeneratedOne() throws Exception {
    Path committed = Path.of("../crds", CrdGenerator.FILE_NAME);

    assertThat(committed).exists();
    assertThat(Files.readString(committed))
        .as(
            "crds/%s is stale: run `./mvnw -pl operator package -DskipTests` and commit it",
            CrdGenerator.FILE_NAME)
        .isEqualTo(CrdGenerator.render());
  }
}
