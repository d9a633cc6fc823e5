package io.quorumkeeper.operator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/**
 * A broker whose log directories the operator cordons (KIP-1066) before its pod goes: recorded
 * before the cordon is sent, kept while Kafka keeps the cordon under the broker's id, and dropped
 * once the operator has lifted it for a broker the spec asks for again.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class BrokerCordon {

  @JsonPropertyDescription("The broker's node id.")
  private Integer nodeId;

  @JsonPropertyDescription(
      "When the broker confirmed the cordon (RFC 3339); absent until it has, or while the broker"
          + " does not run.")
  private String cordonedAt;

  public BrokerCordon() {}

  public BrokerCordon(Integer nodeId, String cordonedAt) {
    this.nodeId = nodeId;
    this.cordonedAt = cordonedAt;
  }

  public Integer getNodeId() {
    return nodeId;
  }

  public void setNodeId(Integer nodeId) {
    this.nodeId = nodeId;
  }

  public String getCordonedAt() {
    return cordonedAt;
  }

  public void setCordonedAt(String cordonedAt) {
    this.cordonedAt = cordonedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BrokerCordon c
        && Objects.equals(nodeId, c.nodeId)
        && Objects.equals(cordonedAt, c.cordonedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodeId, cordonedAt);
  }

  @Override
  public String toString() {
    return nodeId + (cordonedAt == null ? "" : "@" + cordonedAt);
  }
}
