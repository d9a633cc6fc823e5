package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.CertificateAuthoritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.IssuerRefSpec;
import io.quorumkeeper.operator.model.CertManagerCaModel;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.security.ClusterCa;
import io.quorumkeeper.operator.security.Pem;
import io.quorumkeeper.operator.security.ProvidedCa;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a TLS cluster's CA comes from (docs/security.md, "Bringing your own CA or cert-manager"):
 * the operator's own (no {@code spec.security.certificateAuthority}), a Secret the user made, or
 * the Secret cert-manager issues for the cluster's {@code Certificate}. The answer is the {@code
 * wanted} CA of ClusterCertificates, or why there is none to sign with yet.
 */
final class CaSource {

  /**
   * @param ca the CA the user provides; empty with a problem, or for the operator's own CA
   * @param problem why the provided CA cannot be used (yet), readable
   */
  record Wanted(Optional<ClusterCa> ca, Optional<String> problem) {
    static final Wanted OWN = new Wanted(Optional.empty(), Optional.empty());

    static Wanted problem(String why) {
      return new Wanted(Optional.empty(), Optional.of(why));
    }
  }

  private final ProvidedSecrets secrets;
  private final CertManagerCa certManager;
  private final Duration caValidity;

  CaSource(KubernetesClient client, Duration caValidity) {
    this.secrets = new ProvidedSecrets(client);
    this.certManager = new CertManagerCa(client);
    this.caValidity = caValidity;
  }

  /** The CA the cluster's spec asks for, read (and for cert-manager, requested) now. */
  Wanted wanted(QuorumCluster cr, Context<QuorumCluster> context, Instant now) {
    CertificateAuthoritySpec spec =
        cr.getSpec().getSecurity() == null
            ? null
            : cr.getSpec().getSecurity().getCertificateAuthority();
    if (spec == null) {
      return Wanted.OWN;
    }
    try {
      return spec.getIssuerRef() != null
          ? fromCertManager(cr, spec.getIssuerRef(), context, now)
          : fromSecret(cr, spec.getSecretName(), context, now);
    } catch (KubernetesClientException e) {
      return Wanted.problem(
          "CA not read: " + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()));
    }
  }

  private Wanted fromSecret(
      QuorumCluster cr, String name, Context<QuorumCluster> context, Instant now) {
    Optional<Secret> secret = secrets.get(cr, name, context, now);
    if (secret.isEmpty()) {
      return Wanted.problem(
          "Secret "
              + name
              + " (spec.security.certificateAuthority.secretName) does not exist; create it with"
              + " the CA's ca.crt and ca.key (or tls.crt and tls.key), PEM");
    }
    return load(secret.get(), "Secret " + name, now);
  }

  private Wanted fromCertManager(
      QuorumCluster cr, IssuerRefSpec issuer, Context<QuorumCluster> context, Instant now) {
    String cluster = cr.getMetadata().getName();
    String name = CertManagerCaModel.secretName(cluster);
    Optional<Secret> issued = secrets.get(cr, name, context, now);
    CertManagerCa.Result certificate =
        certManager.ensure(cr, issuer, caValidity, issued.isPresent(), now);
    if (certificate.problem().isPresent()) {
      return Wanted.problem(certificate.problem().get());
    }
    if (issued.isEmpty()) {
      return Wanted.problem(
          "waiting for cert-manager to issue the CA: Certificate "
              + CertManagerCaModel.name(cluster)
              + " ("
              + Objects.requireNonNullElse(issuer.getKind(), IssuerRefSpec.DEFAULT_KIND)
              + " "
              + issuer.getName()
              + ") into Secret "
              + name
              + (certificate.certManagerSays() == null
                  ? ""
                  : "; cert-manager says: " + certificate.certManagerSays()));
    }
    return load(issued.get(), "Secret " + name + " (issued by cert-manager)", now);
  }

  private static Wanted load(Secret secret, String what, Instant now) {
    try {
      return new Wanted(
          Optional.of(ProvidedCa.load(TlsSecretModel.entries(secret), now)), Optional.empty());
    } catch (Pem.InvalidPemException e) {
      return Wanted.problem(what + " holds no usable CA: " + e.getMessage());
    }
  }
}
