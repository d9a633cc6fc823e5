package io.quorumkeeper.operator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** The one voter-set change in flight, written to status before it starts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OperationStatus {

  @JsonPropertyDescription("AddVoter, RemoveVoter, ReplaceVoter or ActivateSpare.")
  private String type;

  @JsonPropertyDescription("The voter incarnation being removed, if any.")
  private VoterRef remove;

  @JsonPropertyDescription("The incarnation being added as a voter, if any.")
  private VoterRef add;

  @JsonPropertyDescription("Removing or Adding: the half of the change being driven.")
  private String phase;

  @JsonPropertyDescription("When the operation started (RFC 3339).")
  private String startedAt;

  @JsonPropertyDescription("When the current phase was last sent to Kafka (RFC 3339).")
  private String sentAt;

  public String getType() {
    return type;
  }

  public void setType(String type) {
    this.type = type;
  }

  public VoterRef getRemove() {
    return remove;
  }

  public void setRemove(VoterRef remove) {
    this.remove = remove;
  }

  public VoterRef getAdd() {
    return add;
  }

  public void setAdd(VoterRef add) {
    this.add = add;
  }

  public String getPhase() {
    return phase;
  }

  public void setPhase(String phase) {
    this.phase = phase;
  }

  public String getStartedAt() {
    return startedAt;
  }

  public void setStartedAt(String startedAt) {
    this.startedAt = startedAt;
  }

  public String getSentAt() {
    return sentAt;
  }

  public void setSentAt(String sentAt) {
    this.sentAt = sentAt;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OperationStatus s
        && Objects.equals(type, s.type)
        && Objects.equals(remove, s.remove)
        && Objects.equals(add, s.add)
        && Objects.equals(phase, s.phase)
        && Objects.equals(startedAt, s.startedAt)
        && Objects.equals(sentAt, s.sentAt);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, remove, add, phase, startedAt, sentAt);
  }
}
