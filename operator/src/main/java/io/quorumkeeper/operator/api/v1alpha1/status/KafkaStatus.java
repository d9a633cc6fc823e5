package io.quorumkeeper.operator.api.v1alpha1.status;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The Kafka versions the cluster's nodes run, and its finalized metadata.version. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class KafkaStatus {

  @JsonPropertyDescription(
      "The Kafka versions the cluster's pods run: as each controller's agent reports its own Kafka"
          + " jars, else the pod's image tag. Two versions while an upgrade or downgrade rolls.")
  private List<String> runningVersions = new ArrayList<>();

  @JsonPropertyDescription(
      "The finalized metadata.version feature level, as the quorum reports it (Admin"
          + " describeFeatures).")
  private Integer metadataVersionLevel;

  @JsonPropertyDescription("The finalized metadata.version's name, for instance 4.3-IV0.")
  private String metadataVersion;

  public List<String> getRunningVersions() {
    return runningVersions;
  }

  public void setRunningVersions(List<String> runningVersions) {
    this.runningVersions = runningVersions;
  }

  public Integer getMetadataVersionLevel() {
    return metadataVersionLevel;
  }

  public void setMetadataVersionLevel(Integer metadataVersionLevel) {
    this.metadataVersionLevel = metadataVersionLevel;
  }

  public String getMetadataVersion() {
    return metadataVersion;
  }

  public void setMetadataVersion(String metadataVersion) {
    this.metadataVersion = metadataVersion;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KafkaStatus k
        && Objects.equals(runningVersions, k.runningVersions)
        && Objects.equals(metadataVersionLevel, k.metadataVersionLevel)
        && Objects.equals(metadataVersion, k.metadataVersion);
  }

  @Override
  public int hashCode() {
    return Objects.hash(runningVersions, metadataVersionLevel, metadataVersion);
  }
}
