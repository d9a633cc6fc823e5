package io.quorumkeeper.operator.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterStatus;
import io.quorumkeeper.operator.testing.ApiHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status write is a replace guarded by the resourceVersion the pass read: a status computed
 * from a copy older than the stored one is refused ({@link StatusWriter.Stale}) and the newer
 * status stays, so a pass that planned on a stale cache never erases what a later pass recorded.
 */
class StatusWriterApiTest {

  @AutoClose final ApiHarness api = ApiHarness.start();

  StatusWriter writer;

  @BeforeEach
  void apiOnly() {
    api.stopOperator(); // the test is the only writer
    writer = new StatusWriter(api.client());
    api.create(Path.of("../examples/combined.yaml"));
  }

  @Test
  void givenTwoCopiesOfOneVersion_whenBothWriteStatus_thenTheSecondIsRefusedAndTheFirstStays() {
    QuorumCluster first = api.get("orders");
    QuorumCluster second = api.get("orders");

    writer.write(first, observed(1));

    assertThatThrownBy(() -> writer.write(second, observed(2)))
        .isInstanceOf(StatusWriter.Stale.class)
        .hasMessageContaining("orders changed since resourceVersion");
    assertThat(api.get("orders").getStatus().getObservedGeneration()).isEqualTo(1);
    // The copy the write left behind carries the new version: the same pass may write again.
    writer.write(first, observed(3));
    assertThat(api.get("orders").getStatus().getObservedGeneration()).isEqualTo(3);
  }

  @Test
  void givenAStaleCopy_whenItsStatusIsUnchanged_thenNothingIsWrittenAndNothingRefused() {
    QuorumCluster stale = api.get("orders");
    writer.write(api.get("orders"), observed(1));
    stale.setStatus(observed(1));

    QuorumCluster result = writer.write(stale, observed(1));

    assertThat(result).isSameAs(stale);
    assertThat(api.get("orders").getStatus().getObservedGeneration()).isEqualTo(1);
  }

  @Test
  void givenWritesTheCacheHasNotDelivered_thenAPassFromTheReplacedVersionStartsFromTheStoredOne() {
    QuorumCluster cached = api.get("orders");
    String cachedVersion = cached.getMetadata().getResourceVersion();
    QuorumCluster previousPass = api.get("orders");
    writer.write(previousPass, observed(1));
    writer.write(previousPass, observed(2)); // the same pass writes twice

    QuorumCluster next = writer.caughtUp(cached);

    QuorumCluster stored = api.get("orders");
    assertThat(next.getMetadata().getResourceVersion())
        .isEqualTo(stored.getMetadata().getResourceVersion());
    assertThat(next.getStatus()).isEqualTo(stored.getStatus());
    assertThat(next.getSpec()).usingRecursiveComparison().isEqualTo(stored.getSpec());
    assertThat(cached.getMetadata().getResourceVersion())
        .as("the cached copy itself is left alone")
        .isEqualTo(cachedVersion);
    writer.write(next, observed(3)); // accepted: it is the stored version
    assertThat(api.get("orders").getStatus().getObservedGeneration()).isEqualTo(3);
  }

  @Test
  void givenTheCacheShowsTheWriteOrSomeoneElsesNewerVersion_thenTheCachedCopyIsUsedAsIs() {
    QuorumCluster stale = api.get("orders");
    writer.write(api.get("orders"), observed(1));
    QuorumCluster seen = api.get("orders");

    assertThat(writer.caughtUp(seen)).isSameAs(seen);
    assertThat(writer.caughtUp(stale))
        .as("forgotten once a pass started from the write: the stale copy is refused as before")
        .isSameAs(stale);
    assertThatThrownBy(() -> writer.write(stale, observed(2)))
        .isInstanceOf(StatusWriter.Stale.class);

    QuorumCluster before = api.get("orders");
    writer.write(before, observed(4));
    QuorumCluster edited = api.get("orders");
    edited.getSpec().getControllers().setReplicas(5);
    QuorumCluster someoneElses = api.client().resource(edited).update();

    assertThat(writer.caughtUp(someoneElses)).isSameAs(someoneElses);
  }

  private static QuorumClusterStatus observed(long generation) {
    QuorumClusterStatus status = new QuorumClusterStatus();
    status.setObservedGeneration(generation);
    return status;
  }
}
