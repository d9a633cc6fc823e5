package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

/** What every pool has: a pod count, a volume per pod and container resources. */
public abstract class PoolSpec {

  @JsonPropertyDescription("Number of pods in the pool.")
  @Required
  @Min(1)
  @Max(99)
  private int replicas;

  @JsonPropertyDescription("The persistent volume of each pod.")
  @Default("{}")
  private StorageSpec storage = new StorageSpec();

  @JsonPropertyDescription(
      "CPU and memory of the quorum-node container. Below the Kafka docs' sizing (1 GiB heap, so"
          + " 2Gi memory, and a dedicated CPU) the operator sets a Warning condition.")
  private ResourceRequirements resources;

  public int getReplicas() {
    return replicas;
  }

  public void setReplicas(int replicas) {
    this.replicas = replicas;
  }

  public StorageSpec getStorage() {
    return storage;
  }

  public void setStorage(StorageSpec storage) {
    this.storage = storage;
  }

  public ResourceRequirements getResources() {
    return resources;
  }

  public void setResources(ResourceRequirements resources) {
    this.resources = resources;
  }
}
