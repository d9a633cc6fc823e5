package io.quorumkeeper.operator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The one pod restart of a rolling restart in flight, written to status before the eviction. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollStatus {

  @JsonPropertyDescription("The pod being restarted.")
  private String pod;

  @JsonPropertyDescription("The uid of the pod object evicted; the pod re-created has another.")
  private String uid;

  @JsonPropertyDescription("Why this pod is restarted.")
  private String reason;

  @JsonPropertyDescription("When the restart was decided (RFC 3339).")
  private String startedAt;

  public RollStatus() {}

  public RollStatus(String pod, String uid, String reason, String startedAt) {
    this.pod = pod;
    this.uid = uid;
    this.reason = reason;
    this.startedAt = startedAt;
  }

  public String getPod() {
    return pod;
  }

  public void setPod(String pod) {
    this.pod = pod;
  }

  public String getUid() {
    return uid;
  }

  public void setUid(String uid) {
    this.uid = uid;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RollStatus r
        && Objects.equals(pod, r.pod)
        && Objects.equals(uid, r.uid)
        && Objects.equals(reason, r.reason)
        && Objects.equals(startedAt, r.startedAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(pod, uid, reason, startedAt);
  }
}
