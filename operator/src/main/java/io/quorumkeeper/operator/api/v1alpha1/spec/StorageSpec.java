package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** The persistent volume each pod of a pool gets for its Kafka log directory. */
public class StorageSpec {

  public static final String SIZE_IMMUTABLE =
      "storage.size is immutable: a StatefulSet's volume claims are fixed when it is created;"
          + " to grow a volume, expand its PersistentVolumeClaim (docs/operations.md)";
  public static final String CLASS_IMMUTABLE =
      "storage.storageClassName is immutable: a StatefulSet's volume claims are fixed when it is"
          + " created";

  @JsonPropertyDescription("Size of each pod's volume, as a Kubernetes quantity (e.g. 10Gi).")
  @Default("10Gi")
  @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")
  @ValidationRule(value = "self == oldSelf", message = SIZE_IMMUTABLE)
  private String size = "10Gi";

  @JsonPropertyDescription(
      "StorageClass of the volumes; the cluster's default StorageClass when empty.")
  @ValidationRule(value = "self == oldSelf", message = CLASS_IMMUTABLE)
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
