package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** A cert-manager issuer, as cert-manager's own {@code issuerRef} names one. */
public class IssuerRefSpec {

  // The schema's message, repeated word for word by the operator's own validation.
  public static final String KIND_VALUES =
      "security.certificateAuthority.issuerRef.kind must be Issuer or ClusterIssuer";

  public static final String DEFAULT_KIND = "Issuer";
  public static final String DEFAULT_GROUP = "cert-manager.io";

  @JsonPropertyDescription("The issuer's name.")
  @Required
  @Pattern(CertificateAuthoritySpec.NAME_PATTERN)
  @Size(max = CertificateAuthoritySpec.MAX_NAME_LENGTH)
  private String name;

  @JsonPropertyDescription(
      "Issuer (in the cluster's namespace) or ClusterIssuer; Issuer when not set, as in"
          + " cert-manager.")
  @Default(DEFAULT_KIND)
  @ValidationRule(value = "self == 'Issuer' || self == 'ClusterIssuer'", message = KIND_VALUES)
  private String kind = DEFAULT_KIND;

  @JsonPropertyDescription("The issuer's API group; cert-manager.io when not set.")
  @Default(DEFAULT_GROUP)
  @Pattern(CertificateAuthoritySpec.NAME_PATTERN)
  @Size(max = CertificateAuthoritySpec.MAX_NAME_LENGTH)
  private String group = DEFAULT_GROUP;

  public IssuerRefSpec() {}

  public IssuerRefSpec(String name, String kind, String group) {
    this.name = name;
    this.kind = kind;
    this.group = group;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getKind() {
    return kind;
  }

  public void setKind(String kind) {
    this.kind = kind;
  }

  public String getGroup() {
    return group;
  }

  public void setGroup(String group) {
    this.group = group;
  }
}
