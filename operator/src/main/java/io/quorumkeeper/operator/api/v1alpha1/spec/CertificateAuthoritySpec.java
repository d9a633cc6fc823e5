package io.quorumkeeper.operator.api.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * Where a TLS cluster's CA comes from when it is not the operator's own (docs/security.md,
 * "Bringing your own CA or cert-manager"): a Secret the user made, or a cert-manager issuer.
 */
@ValidationRule(
    value = "has(self.secretName) != has(self.issuerRef)",
    message = CertificateAuthoritySpec.EXACTLY_ONE)
public class CertificateAuthoritySpec {

  // The schema's messages, repeated word for word by the operator's own validation.
  public static final String EXACTLY_ONE =
      "security.certificateAuthority needs exactly one of secretName (a Secret holding your CA)"
          + " and issuerRef (a cert-manager issuer)";

  /** A DNS-1123 subdomain, as Kubernetes names Secrets and cert-manager names issuers. */
  public static final String NAME_PATTERN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  public static final int MAX_NAME_LENGTH = 253;

  @JsonPropertyDescription(
      "A Secret in the cluster's namespace holding the CA the operator signs with: ca.crt and"
          + " ca.key, or tls.crt and tls.key (cert-manager's format), PEM. The operator reads it,"
          + " never changes it.")
  @Pattern(NAME_PATTERN)
  @Size(max = MAX_NAME_LENGTH)
  private String secretName;

  @JsonPropertyDescription(
      "A cert-manager issuer: the operator asks it for a CA certificate (a cert-manager"
          + " Certificate <cluster>-ca, isCA) and signs with what it issues.")
  private IssuerRefSpec issuerRef;

  public CertificateAuthoritySpec() {}

  public CertificateAuthoritySpec(String secretName, IssuerRefSpec issuerRef) {
    this.secretName = secretName;
    this.issuerRef = issuerRef;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public IssuerRefSpec getIssuerRef() {
    return issuerRef;
  }

  public void setIssuerRef(IssuerRefSpec issuerRef) {
    this.issuerRef = issuerRef;
  }
}
