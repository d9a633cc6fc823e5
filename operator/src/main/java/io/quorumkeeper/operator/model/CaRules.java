package io.quorumkeeper.operator.model;

import static io.quorumkeeper.operator.model.KubernetesNames.shown;

import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.CertificateAuthoritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.IssuerRefSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.util.List;
import java.util.Set;

/**
 * The operator's check of {@code spec.security.certificateAuthority}: the schema's patterns and CEL
 * rules again (the rules' messages word for word), for an API server that skipped them.
 */
final class CaRules {

  static final Set<String> ISSUER_KINDS = Set.of("Issuer", "ClusterIssuer");

  private CaRules() {}

  /** Adds what is wrong with the certificate authority of a cluster that runs {@code transport}. */
  static void check(QuorumClusterSpec spec, Transport transport, List<String> errors) {
    SecuritySpec security = spec.getSecurity();
    CertificateAuthoritySpec ca = security == null ? null : security.getCertificateAuthority();
    if (ca == null) {
      return;
    }
    if (transport == Transport.Plaintext) {
      errors.add(SecuritySpec.CA_NEEDS_TLS);
    }
    if ((ca.getSecretName() == null) == (ca.getIssuerRef() == null)) {
      errors.add(CertificateAuthoritySpec.EXACTLY_ONE);
    }
    if (ca.getSecretName() != null) {
      checkName("secretName", ca.getSecretName(), "a Secret name", errors);
    }
    IssuerRefSpec issuer = ca.getIssuerRef();
    if (issuer != null) {
      checkName("issuerRef.name", issuer.getName(), "an issuer name", errors);
      if (issuer.getKind() != null && !ISSUER_KINDS.contains(issuer.getKind())) {
        errors.add(IssuerRefSpec.KIND_VALUES + ", not " + shown(issuer.getKind()));
      }
      if (issuer.getGroup() != null) {
        checkName("issuerRef.group", issuer.getGroup(), "an API group", errors);
      }
    }
  }

  private static void checkName(String field, String value, String what, List<String> errors) {
    if (value == null
        || value.length() > CertificateAuthoritySpec.MAX_NAME_LENGTH
        || !KubernetesNames.isDns1123Subdomain(value)) {
      errors.add(
          "security.certificateAuthority."
              + field
              + " "
              + shown(value)
              + " is not "
              + what
              + " (lower-case letters, digits, '-' and '.', at most "
              + CertificateAuthoritySpec.MAX_NAME_LENGTH
              + " characters)");
    }
  }
}
