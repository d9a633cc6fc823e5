package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.IssuerRefSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The cert-manager {@code Certificate} that asks a user's issuer for a cluster's CA (isCA, EC
 * P-256), owned by the cluster. cert-manager writes it into {@code <cluster>-ca-issued}, labelled
 * like everything the cluster owns so that the operator's label-selected Secret cache sees it.
 * Built as a generic resource: cert-manager's model is not on the classpath, nor needed.
 */
public final class CertManagerCaModel {

  public static final String API_VERSION = "cert-manager.io/v1";
  public static final String GROUP = "cert-manager.io";
  public static final String VERSION = "v1";
  public static final String KIND = "Certificate";
  public static final String PLURAL = "certificates";

  private CertManagerCaModel() {}

  /** The Certificate's name: the same as the cluster's CA Secret, {@code <cluster>-ca}. */
  public static String name(String cluster) {
    return TlsSecretModel.caName(cluster);
  }

  /** The Secret cert-manager writes the issued CA into. */
  public static String secretName(String cluster) {
    return cluster + "-ca-issued";
  }

  /**
   * The Certificate for a cluster whose CA comes from {@code issuer}, valid for {@code validity}.
   */
  public static GenericKubernetesResource render(
      QuorumCluster cr, IssuerRefSpec issuer, Duration validity) {
    String cluster = cr.getMetadata().getName();
    GenericKubernetesResource certificate = new GenericKubernetesResource();
    certificate.setApiVersion(API_VERSION);
    certificate.setKind(KIND);
    certificate.setMetadata(Owner.meta(cr, name(cluster), Labels.cluster(cluster)));
    certificate.setAdditionalProperty("spec", spec(cr, issuer, validity));
    return certificate;
  }

  /** The fields of the spec the operator sets; anything else on the Certificate is left alone. */
  public static Map<String, Object> spec(
      QuorumCluster cr, IssuerRefSpec issuer, Duration validity) {
    String cluster = cr.getMetadata().getName();
    Map<String, Object> spec = new TreeMap<>();
    spec.put("isCA", true);
    spec.put("commonName", cluster + " cluster CA");
    spec.put(
        "subject",
        Map.of(
            "organizations",
            List.of("quorum-keeper"),
            "organizationalUnits",
            List.of(cr.getMetadata().getNamespace())));
    spec.put("duration", validity.toHours() + "h");
    spec.put("secretName", secretName(cluster));
    spec.put("secretTemplate", Map.of("labels", Labels.cluster(cluster)));
    spec.put(
        "privateKey",
        Map.of("algorithm", "ECDSA", "size", 256, "encoding", "PKCS8", "rotationPolicy", "Always"));
    spec.put(
        "issuerRef",
        Map.of(
            "name",
            issuer.getName(),
            "kind",
            issuer.getKind() == null ? IssuerRefSpec.DEFAULT_KIND : issuer.getKind(),
            "group",
            issuer.getGroup() == null ? IssuerRefSpec.DEFAULT_GROUP : issuer.getGroup()));
    return spec;
  }
}
