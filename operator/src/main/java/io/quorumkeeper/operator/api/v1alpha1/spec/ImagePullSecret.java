package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret the kubelet pulls the quorum-node image with, as a Pod spec's imagePullSecrets. */
public class ImagePullSecret {

  @JsonPropertyDescription(
      "The Secret's name (a DNS-1123 subdomain), a kubernetes.io/dockerconfigjson Secret in the"
          + " cluster's namespace.")
  @Required
  @Pattern(CertificateAuthoritySpec.NAME_PATTERN)
  @Size(max = CertificateAuthoritySpec.MAX_NAME_LENGTH)
  private String name;

  public ImagePullSecret() {}

  public ImagePullSecret(String name) {
    this.name = name;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }
}
