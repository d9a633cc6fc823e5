package io.quorumkeeper.operator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The Raft controller quorum as the operator last observed it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class QuorumStatus {

  @JsonPropertyDescription("Node id of the current leader; empty while no leader is known.")
  private Integer leaderId;

  @JsonPropertyDescription("The leader's epoch.")
  private Long leaderEpoch;

  @JsonPropertyDescription("The leader's high watermark (last committed offset + 1).")
  private Long highWatermark;

  @JsonPropertyDescription(
      "Current number of voters; the desired count is spec.controllers.voters.")
  private Integer voters;

  @JsonPropertyDescription("Current/desired voters, e.g. 3/3, as kubectl get shows it.")
  private String voterSummary;

  @JsonPropertyDescription(
      "How many more voters may fail without losing the quorum, counted from live caught-up"
          + " voters.")
  private Integer faultTolerance;

  @JsonPropertyDescription(
      "When the numbers above were taken (RFC 3339). While nothing else changes they are refreshed"
          + " at most every 30 seconds.")
  private String observedAt;

  @JsonPropertyDescription("One row per controller incarnation the quorum knows.")
  private List<MemberStatus> members = new ArrayList<>();

  public Integer getLeaderId() {
    return leaderId;
  }

  public void setLeaderId(Integer leaderId) {
    this.leaderId = leaderId;
  }

  public Long getLeaderEpoch() {
    return leaderEpoch;
  }

  public void setLeaderEpoch(Long leaderEpoch) {
    this.leaderEpoch = leaderEpoch;
  }

  public Long getHighWatermark() {
    return highWatermark;
  }

  public void setHighWatermark(Long highWatermark) {
    this.highWatermark = highWatermark;
  }

  public Integer getVoters() {
    return voters;
  }

  public void setVoters(Integer voters) {
    this.voters = voters;
  }

  public String getVoterSummary() {
    return voterSummary;
  }

  public void setVoterSummary(String voterSummary) {
    this.voterSummary = voterSummary;
  }

  public Integer getFaultTolerance() {
    return faultTolerance;
  }

  public void setFaultTolerance(Integer faultTolerance) {
    this.faultTolerance = faultTolerance;
  }

  public String getObservedAt() {
    return observedAt;
  }

  public void setObservedAt(String observedAt) {
    this.observedAt = observedAt;
  }

  public List<MemberStatus> getMembers() {
    return members;
  }

  public void setMembers(List<MemberStatus> members) {
    this.members = members;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QuorumStatus q
        && Objects.equals(leaderId, q.leaderId)
        && Objects.equals(leaderEpoch, q.leaderEpoch)
        && Objects.equals(highWatermark, q.highWatermark)
        && Objects.equals(voters, q.voters)
        && Objects.equals(voterSummary, q.voterSummary)
        && Objects.equals(faultTolerance, q.faultTolerance)
        && Objects.equals(observedAt, q.observedAt)
        && Objects.equals(members, q.members);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        leaderId,
        leaderEpoch,
        highWatermark,
        voters,
        voterSummary,
        faultTolerance,
        observedAt,
        members);
  }
}
