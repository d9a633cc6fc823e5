package io.quorumkeeper.operator.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import java.util.Optional;

/**
 * The spec the operator last accepted, kept in status as JSON (as Flink's operator keeps its last
 * reconciled spec): what runs while a newer spec is refused, and the "old object" the operator
 * checks immutable fields against, whatever the API server did or did not check.
 */
public final class AcceptedSpec {

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setSerializationInclusion(JsonInclude.Include.NON_NULL)
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          // a spec a newer operator stored (before a downgrade) runs with the fields this one
          // knows, as the API server prunes the spec itself to the older CRD's fields
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private AcceptedSpec() {}

  /** The text kept in status for an accepted spec; the same spec always gives the same text. */
  public static String write(QuorumClusterSpec spec) {
    try {
      return JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an accepted spec did not serialize", e);
    }
  }

  /** The last accepted spec kept in this resource's status, if any and readable. */
  public static Optional<QuorumClusterSpec> read(QuorumCluster cr) {
    String text = cr.getStatus() == null ? null : cr.getStatus().getLastAcceptedSpec();
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(text, QuorumClusterSpec.class));
    } catch (JsonProcessingException | RuntimeException e) {
      return Optional.empty(); // edited by hand into nonsense: as if never written
    }
  }

  /**
   * The resource as it runs: with its own spec when that is the accepted one, else with the last
   * accepted spec (a copy; the user's spec is never changed).
   */
  public static QuorumCluster running(QuorumCluster cr, QuorumClusterSpec accepted) {
    if (accepted == cr.getSpec()) {
      return cr;
    }
    QuorumCluster copy = new QuorumCluster();
    copy.setMetadata(cr.getMetadata());
    copy.setStatus(cr.getStatus());
    copy.setSpec(accepted);
    return copy;
  }
}
