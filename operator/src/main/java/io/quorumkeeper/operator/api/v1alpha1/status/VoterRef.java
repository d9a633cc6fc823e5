package io.quorumkeeper.operator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One voter incarnation: a node id and the directory id its disk was formatted with. */
public class VoterRef {

  @JsonPropertyDescription("Kafka node id.")
  private int nodeId;

  @JsonPropertyDescription(
      "Directory id (base64 UUID) written into meta.properties at format time.")
  private String directoryId;

  public VoterRef() {}

  public VoterRef(int nodeId, String directoryId) {
    this.nodeId = nodeId;
    this.directoryId = directoryId;
  }

  public int getNodeId() {
    return nodeId;
  }

  public void setNodeId(int nodeId) {
    this.nodeId = nodeId;
  }

  public String getDirectoryId() {
    return directoryId;
  }

  public void setDirectoryId(String directoryId) {
    this.directoryId = directoryId;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VoterRef v
        && nodeId == v.nodeId
        && Objects.equals(directoryId, v.directoryId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodeId, directoryId);
  }
}
