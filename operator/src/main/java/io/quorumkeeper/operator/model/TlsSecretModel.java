package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The two Secrets of a TLS cluster (docs/security.md): {@code <cluster>-tls}, mounted in every pod
 * (the CA certificate and one key + certificate chain file per pod), and {@code <cluster>-ca}, the
 * operator's own (CA key, operator client certificate), never mounted.
 */
public final class TlsSecretModel {

  /**
   * The CA certificate that signs, in {@code <cluster>-ca}; in {@code <cluster>-tls} the bundle of
   * every CA trusted now ({@link #trustBundle}).
   */
  public static final String CA_CERT = "ca.crt";

  /** The CA's private key (PKCS#8 PEM), in {@code <cluster>-ca} only. */
  public static final String CA_KEY = "ca.key";

  /** During a CA rotation's first phase, the next CA: trusted, not signing yet. */
  public static final String NEXT_CA_CERT = "next-ca.crt";

  public static final String NEXT_CA_KEY = "next-ca.key";

  /** During a CA rotation's second phase, the CA that signed before: still trusted. */
  public static final String PREVIOUS_CA_CERT = "previous-ca.crt";

  /** The operator's client certificate and key, in {@code <cluster>-ca} only. */
  public static final String OPERATOR_CERT = "operator.crt";

  public static final String OPERATOR_KEY = "operator.key";

  /** The operator's client certificate's common name, a super user of every TLS cluster. */
  public static final String OPERATOR_NAME = "quorum-keeper-operator";

  /** The common name every node certificate maps to (ssl.principal.mapping.rules). */
  public static final String NODE_PRINCIPAL = "quorum-keeper-node";

  /** Where the pods see {@code <cluster>-tls}. */
  public static final String MOUNT = "/etc/quorum/tls";

  private TlsSecretModel() {}

  public static String caName(String cluster) {
    return cluster + "-ca";
  }

  public static String tlsName(String cluster) {
    return cluster + "-tls";
  }

  /** A pod's key + certificate + CA file in {@code <cluster>-tls}. */
  public static String podKey(String podName) {
    return podName + ".pem";
  }

  /** The DNS names of a pod's certificate; the first is the pod's QK_POD_HOST. */
  public static List<String> dnsNames(Pool pool, int ordinal) {
    String pod = pool.podName(ordinal);
    String bootstrap = ServiceModel.bootstrapName(pool.cluster());
    String namespace = pool.namespace();
    return List.of(
        pool.podHost(ordinal),
        pool.podHost(ordinal) + ".cluster.local",
        pod + "." + pool.name(),
        pod,
        bootstrap + "." + namespace + ".svc",
        bootstrap + "." + namespace + ".svc.cluster.local",
        bootstrap);
  }

  /**
   * Every CA certificate trusted now, from the entries of {@code <cluster>-ca}: the signing CA
   * first, then the next one or the previous one of a rotation (docs/security.md, "Renewing the
   * CA"). The operator's clients trust the same bundle the pods find in {@code <cluster>-tls}.
   */
  public static String trustBundle(Map<String, String> caEntries) {
    StringBuilder bundle = new StringBuilder();
    for (String key : List.of(CA_CERT, NEXT_CA_CERT, PREVIOUS_CA_CERT)) {
      String pem = caEntries.get(key);
      if (pem != null && !pem.isBlank()) {
        bundle.append(pem.endsWith("\n") ? pem : pem + "\n");
      }
    }
    return bundle.toString();
  }

  /** A Secret the cluster owns with these entries (as text) and annotations. */
  public static Secret render(
      QuorumCluster cr, String name, Map<String, String> entries, Map<String, String> annotations) {
    Map<String, String> data = new TreeMap<>();
    entries.forEach(
        (key, text) ->
            data.put(
                key, Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8))));
    Secret secret =
        new SecretBuilder()
            .withMetadata(Owner.meta(cr, name, Labels.cluster(cr.getMetadata().getName())))
            .withType("Opaque")
            .withData(data)
            .build();
    if (!annotations.isEmpty()) {
      secret.getMetadata().setAnnotations(new TreeMap<>(annotations));
    }
    return secret;
  }

  /** Every entry of a Secret as text ({@code data} decoded, or {@code stringData} as written). */
  public static Map<String, String> entries(Secret secret) {
    Map<String, String> entries = new TreeMap<>();
    if (secret.getStringData() != null) {
      entries.putAll(secret.getStringData());
    }
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach((key, value) -> decode(value).ifPresent(text -> entries.put(key, text)));
    }
    return entries;
  }

  private static Optional<String> decode(String base64) {
    try {
      return Optional.of(
          new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | NullPointerException e) {
      return Optional.empty();
    }
  }
}
