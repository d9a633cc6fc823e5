package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;

/** The persistent volume each pod of a pool gets for its Kafka log directory. */
public class StorageSpec {

  @JsonPropertyDescription("Size of each pod's volume, as a Kubernetes quantity (e.g. 10Gi).")
  @Default("10Gi")
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
  private String size = "10Gi";

  @JsonPropertyDescription(
      "StorageClass of the volumes; the cluster's default StorageClass when empty.")
  private String storageClassName;

  @JsonPropertyDescription(
      "Delete the pool's PersistentVolumeClaims when the QuorumCluster is deleted. Default false:"
          + " data outlives the resource.")
  @Default("false")
  private boolean deleteClaim;

  public String getSize() {
    return size;
  }

  public void setSize(String size) {
    this.size = size;
  }

  public String getStorageClassName() {
    return storageClassName;
  }

  public void setStorageClassName(String storageClassName) {
    this.storageClassName = storageClassName;
  }

  public boolean isDeleteClaim() {
    return deleteClaim;
  }

  public void setDeleteClaim(boolean deleteClaim) {
    this.deleteClaim = deleteClaim;
  }
}
