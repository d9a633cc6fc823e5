package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import java.util.List;
import java.util.Map;

/** Scheduling constraints and metadata copied onto every pod of the cluster. */
public class PodTemplate {

  @JsonPropertyDescription("Pod affinity and anti-affinity, as in a Pod spec.")
  private Affinity affinity;

  @JsonPropertyDescription("Tolerations, as in a Pod spec.")
  private List<Toleration> tolerations;

  @JsonPropertyDescription("Topology spread constraints, as in a Pod spec.")
  private List<TopologySpreadConstraint> topologySpreadConstraints;

  @JsonPropertyDescription(
      "Extra labels on every pod; labels the operator selects pods by cannot be overridden.")
  private Map<String, String> labels;

  @JsonPropertyDescription("Extra annotations on every pod.")
  private Map<String, String> annotations;

  /** The most pull Secrets a pod may name. */
  public static final int MAX_IMAGE_PULL_SECRETS = 16;

  @JsonPropertyDescription(
      "Secrets (in the cluster's namespace) the kubelet uses to pull the quorum-node image from a"
          + " private registry, as in a Pod spec; at most 16.")
  @Size(max = MAX_IMAGE_PULL_SECRETS)
  private List<ImagePullSecret> imagePullSecrets;

  public Affinity getAffinity() {
    return affinity;
  }

  public void setAffinity(Affinity affinity) {
    this.affinity = affinity;
  }

  public List<Toleration> getTolerations() {
    return tolerations;
  }

  public void setTolerations(List<Toleration> tolerations) {
    this.tolerations = tolerations;
  }

  public List<TopologySpreadConstraint> getTopologySpreadConstraints() {
    return topologySpreadConstraints;
  }

  public void setTopologySpreadConstraints(
      List<TopologySpreadConstraint> topologySpreadConstraints) {
    this.topologySpreadConstraints = topologySpreadConstraints;
  }

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  public List<ImagePullSecret> getImagePullSecrets() {
    return imagePullSecrets;
  }

  public void setImagePullSecrets(List<ImagePullSecret> imagePullSecrets) {
    this.imagePullSecrets = imagePullSecrets;
  }
}
