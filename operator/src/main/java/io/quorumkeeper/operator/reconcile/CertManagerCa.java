package io.quorumkeeper.operator.reconcile;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.IssuerRefSpec;
import io.quorumkeeper.operator.model.CertManagerCaModel;
import java.net.HttpURLConnection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Keeps a cluster's cert-manager {@code Certificate} as {@link CertManagerCaModel} renders it. No
 * informer: cert-manager's CRD may not be installed, and one missing kind must not stop the
 * operator. The Certificate is read with a GET, created or updated (guarded by resourceVersion),
 * and what was found is trusted {@link #KEEP}, or {@link #KEEP_WAITING} while cert-manager has not
 * issued, so a pass with nothing to do makes no API call.
 */
final class CertManagerCa {

  static final Duration KEEP = Duration.ofSeconds(60);
  static final Duration KEEP_WAITING = Duration.ofSeconds(10);

  private static final Logger LOG = Logger.getLogger(CertManagerCa.class);

  static final ResourceDefinitionContext CERTIFICATES =
      new ResourceDefinitionContext.Builder()
          .withGroup(CertManagerCaModel.GROUP)
          .withVersion(CertManagerCaModel.VERSION)
          .withKind(CertManagerCaModel.KIND)
          .withPlural(CertManagerCaModel.PLURAL)
          .withNamespaced(true)
          .build();

  /**
   * What a look at a cluster's Certificate found.
   *
   * @param problem why it cannot be kept as rendered, if so
   * @param certManagerSays the message of its Ready condition while that is not True, or null
   */
  record Result(Optional<String> problem, String certManagerSays) {}

  /** The last look, for the spec it was made for, trusted until {@code until}. */
  private record Seen(Map<String, Object> spec, Result result, Instant until) {}

  private final KubernetesClient client;
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();

  CertManagerCa(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Makes sure the Certificate asks {@code issuer}.
   *
   * @param issued whether cert-manager has written the Secret already (look less often)
   */
  Result ensure(
      QuorumCluster cr, IssuerRefSpec issuer, Duration validity, boolean issued, Instant now) {
    // By uid: a cluster deleted and made again under its name looks again at once.
    String key =
        Objects.requireNonNullElse(
            cr.getMetadata().getUid(),
            cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName());
    GenericKubernetesResource desired = CertManagerCaModel.render(cr, issuer, validity);
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) desired.getAdditionalProperties().get("spec");
    seen.values().removeIf(s -> !now.isBefore(s.until()));
    Seen current = seen.get(key);
    if (current == null || !current.spec().equals(spec)) {
      Result result = look(cr, desired);
      boolean settled = issued && result.problem().isEmpty();
      current = new Seen(spec, result, now.plus(settled ? KEEP : KEEP_WAITING));
      seen.put(key, current);
    }
    return current.result();
  }

  private Result look(QuorumCluster cr, GenericKubernetesResource desired) {
    String name = desired.getMetadata().getName();
    String cluster = cr.getMetadata().getNamespace() + "/" + cr.getMetadata().getName();
    var certificates = client.genericKubernetesResources(CERTIFICATES);
    try {
      GenericKubernetesResource existing =
          certificates.inNamespace(cr.getMetadata().getNamespace()).withName(name).get();
      if (existing == null) {
        certificates.resource(desired).create();
        LOG.infof("cluster=%s created cert-manager Certificate %s", cluster, name);
        return new Result(Optional.empty(), null);
      }
      if (!OwnedResources.ownedBy(existing, cr)) {
        return new Result(
            Optional.of(
                "Certificate "
                    + name
                    + " "
                    + new OwnedResources.NotOwnedException(existing).getMessage()),
            null);
      }
      if (!satisfies(existing, desired)) {
        existing.setAdditionalProperty("spec", merged(existing, desired));
        certificates.resource(existing).update(); // guarded by its resourceVersion
        LOG.infof(
            "cluster=%s updated cert-manager Certificate %s: its issuer or settings differed",
            cluster, name);
        return new Result(Optional.empty(), null);
      }
      return new Result(Optional.empty(), notReady(existing));
    } catch (KubernetesClientException e) {
      return new Result(Optional.of(failure(e)), null);
    }
  }

  private static String failure(KubernetesClientException e) {
    if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
      return "cert-manager is not installed: the API server does not know"
          + " certificates.cert-manager.io/v1, which spec.security.certificateAuthority.issuerRef"
          + " needs (install cert-manager, or give the CA as a Secret with secretName)";
    }
    String why = e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage();
    return "cert-manager Certificate not written: " + why;
  }

  /** Whether every field the operator sets has the rendered value. */
  @SuppressWarnings("unchecked")
  static boolean satisfies(GenericKubernetesResource existing, GenericKubernetesResource desired) {
    Object spec = existing.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map<?, ?> current)) {
      return false;
    }
    Map<String, Object> wanted =
        (Map<String, Object>) desired.getAdditionalProperties().get("spec");
    return wanted.entrySet().stream()
        .allMatch(e -> Objects.equals(current.get(e.getKey()), e.getValue()));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> merged(
      GenericKubernetesResource existing, GenericKubernetesResource desired) {
    Map<String, Object> spec = new java.util.TreeMap<>();
    if (existing.getAdditionalProperties().get("spec") instanceof Map<?, ?> current) {
      spec.putAll((Map<String, Object>) current);
    }
    spec.putAll((Map<String, Object>) desired.getAdditionalProperties().get("spec"));
    return spec;
  }

  /** The message of the Certificate's Ready condition while it is not True, else null. */
  @SuppressWarnings("unchecked")
  private static String notReady(GenericKubernetesResource certificate) {
    if (!(certificate.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
        || !(status.get("conditions") instanceof List<?> conditions)) {
      return null;
    }
    return conditions.stream()
        .filter(c -> c instanceof Map<?, ?>)
        .map(c -> (Map<String, Object>) c)
        .filter(c -> "Ready".equals(c.get("type")) && !"True".equals(c.get("status")))
        .map(c -> String.valueOf(c.get("message")))
        .findFirst()
        .orElse(null);
  }
}
