package io.quorumkeeper.operator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** One controller incarnation as the quorum knows it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class MemberStatus {

  @JsonPropertyDescription("Kafka node id.")
  private int nodeId;

  @JsonPropertyDescription("The pod that runs this node id.")
  private String pod;

  @JsonPropertyDescription("Directory id of this incarnation's disk.")
  private String directoryId;

  @JsonPropertyDescription("Leader, Follower, Spare, Observer or Retired.")
  private String role;

  @JsonPropertyDescription("Records behind the leader's log end offset.")
  private Long lag;

  @JsonPropertyDescription("Milliseconds since this member was last caught up with the leader.")
  private Long sinceCaughtUpMillis;

  @JsonPropertyDescription("CaughtUp, Lagging, Unreachable or DiskLost.")
  private String health;

  public int getNodeId() {
    return nodeId;
  }

  public void setNodeId(int nodeId) {
    this.nodeId = nodeId;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getDirectoryId() {
    return directoryId;
  }

  public void setDirectoryId(String directoryId) {
    this.directoryId = directoryId;
  }

  public String getRole() {
    return role;
  }

  public void setRole(String role) {
    this.role = role;
  }

  public Long getLag() {
    return lag;
  }

  public void setLag(Long lag) {
    this.lag = lag;
  }

  public Long getSinceCaughtUpMillis() {
    return sinceCaughtUpMillis;
  }

  public void setSinceCaughtUpMillis(Long sinceCaughtUpMillis) {
    this.sinceCaughtUpMillis = sinceCaughtUpMillis;
  }

  public String getHealth() {
    return health;
  }

  public void setHealth(String health) {
    this.health = health;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MemberStatus m
        && nodeId == m.nodeId
        && Objects.equals(pod, m.pod)
        && Objects.equals(directoryId, m.directoryId)
        && Objects.equals(role, m.role)
        && Objects.equals(lag, m.lag)
        && Objects.equals(sinceCaughtUpMillis, m.sinceCaughtUpMillis)
        && Objects.equals(health, m.health);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodeId, pod, directoryId, role, lag, sinceCaughtUpMillis, health);
  }
}
