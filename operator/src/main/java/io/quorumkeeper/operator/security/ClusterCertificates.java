package io.quorumkeeper.operator.security;

import io.fabric8.kubernetes.api.model.Secret;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.Labels;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.TlsSecretModel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides a TLS cluster's two Secrets from the current ones: keeps what is valid, issues what is
 * missing, unreadable or about to expire, and rotates the CA ({@link CaRotation}). Not pure (new
 * keys are random), so not part of the model; the model only receives the resulting {@link
 * Outcome#revision()}.
 *
 * <p>A new CA is made only when the cluster has no {@code <cluster>-tls} Secret and either no CA
 * Secret or no pod: replacing the CA of running nodes at once would cut each restarted node off
 * from the others, so a missing or unusable CA beside existing certificates is reported and nothing
 * is written; a CA is replaced only by the phases of a rotation. Entries of pods beyond the pools'
 * sizes are kept (such a pod may still be running).
 */
public final class ClusterCertificates {

  private final TlsSettings settings;

  public ClusterCertificates(TlsSettings settings) {
    this.settings = settings;
  }

  /**
   * What to write, or why nothing can be.
   *
   * @param ca the {@code <cluster>-ca} Secret to write; empty when there is a problem
   * @param tls the {@code <cluster>-tls} Secret to write; empty when there is a problem
   * @param revision the certificates revision for the pod templates ({@link Labels#CERTIFICATES});
   *     with a problem, the current Secret's (null if none)
   * @param issued pods (and {@code operator}) that get a new certificate, each with why
   * @param rolls whether a pod that exists now gets a new certificate or must trust a new CA
   * @param problem why nothing is written, for a condition and an event
   * @param rotation the phase of a CA rotation this pass enters, said as an event
   */
  public record Outcome(
      Optional<Secret> ca,
      Optional<Secret> tls,
      String revision,
      List<String> issued,
      boolean rolls,
      Optional<String> problem,
      Optional<String> rotation) {

    static Outcome refused(Optional<Secret> tls, String problem) {
      return new Outcome(
          Optional.empty(),
          Optional.empty(),
          ClusterCertificates.revision(tls),
          List.of(),
          false,
          Optional.of(problem),
          Optional.empty());
    }
  }

  /**
   * @param pools the pools with the sizes the model renders
   * @param existingPods names of the cluster's pods that exist now
   * @param runningRevisions each ready, non-terminating pod of the cluster and its {@link
   *     Labels#CERTIFICATES} annotation: a rotation's phase advances only when every pod runs the
   *     current one
   * @param wanted the CA a user wants to sign with; empty for the operator's own CA
   * @param caSecret the current {@code <cluster>-ca} of this cluster, if any
   * @param tlsSecret the current {@code <cluster>-tls} of this cluster, if any
   */
  public Outcome reconcile(
      QuorumCluster cr,
      List<Pool> pools,
      Set<String> existingPods,
      Map<String, String> runningRevisions,
      Optional<ClusterCa> wanted,
      Optional<Secret> caSecret,
      Optional<Secret> tlsSecret,
      Instant now) {
    String cluster = cr.getMetadata().getName();
    Map<String, String> caEntries = caSecret.map(TlsSecretModel::entries).orElse(Map.of());
    Optional<CaRotation.CaSet> kept = Optional.empty();
    String unusable = "Secret " + TlsSecretModel.caName(cluster) + " is missing";
    if (caSecret.isPresent()) {
      try {
        kept = Optional.of(CaRotation.load(caEntries, now));
      } catch (Pem.InvalidPemException e) {
        unusable =
            "Secret " + TlsSecretModel.caName(cluster) + " holds no usable CA: " + e.getMessage();
      }
    }
    boolean mayMintCa = tlsSecret.isEmpty() && (caSecret.isEmpty() || existingPods.isEmpty());
    if (mayMintCa
        && wanted.isPresent()
        && kept.isPresent()
        && !kept.get().signer().sameCertificate(wanted.get())) {
      kept = Optional.empty(); // no certificates yet: the cluster starts with the wanted CA
    }
    if (kept.isEmpty() && !mayMintCa) {
      return Outcome.refused(
          tlsSecret,
          unusable
              + "; the operator does not replace the CA of a cluster that has certificates (nodes"
              + " with a new CA could not talk to the others). Restore the Secret, see"
              + " docs/security.md");
    }
    Cluster c = new Cluster(cr, pools, existingPods, caEntries, tlsSecret, now);
    if (kept.isEmpty()) {
      return issue(
          c, CaRotation.CaSet.of(wanted.orElseGet(() -> newCa(cr, now))), Optional.empty());
    }
    Outcome stay = issue(c, kept.get(), Optional.empty());
    boolean settled =
        tlsSecret.isPresent()
            && stay.issued().isEmpty()
            && kept.get().bundle().equals(tlsEntries(tlsSecret).get(TlsSecretModel.CA_CERT))
            && running(pools, existingPods, runningRevisions, revision(tlsSecret));
    CaRotation.Decision decision =
        CaRotation.decide(kept.get(), wanted, settled, now, settings, () -> newCa(cr, now));
    return decision.change().isEmpty() ? stay : issue(c, decision.set(), decision.change());
  }

  /** What one pass works on. */
  private record Cluster(
      QuorumCluster cr,
      List<Pool> pools,
      Set<String> existingPods,
      Map<String, String> caEntries,
      Optional<Secret> tlsSecret,
      Instant now) {}

  private ClusterCa newCa(QuorumCluster cr, Instant now) {
    return ClusterCa.generate(
        cr.getMetadata().getNamespace(), cr.getMetadata().getName(), settings.caValidity(), now);
  }

  /**
   * Whether every pod the pools want, and every other pod of the cluster that exists, is ready, not
   * terminating and runs {@code revision}.
   */
  static boolean running(
      List<Pool> pools,
      Set<String> existingPods,
      Map<String, String> runningRevisions,
      String revision) {
    if (revision == null) {
      return false;
    }
    Set<String> all = new java.util.HashSet<>(existingPods);
    for (Pool pool : pools) {
      for (int ordinal = 0; ordinal < pool.replicas(); ordinal++) {
        all.add(pool.podName(ordinal));
      }
    }
    return all.stream().allMatch(pod -> revision.equals(runningRevisions.get(pod)));
  }

  private Outcome issue(Cluster c, CaRotation.CaSet cas, Optional<String> rotation) {
    String cluster = c.cr().getMetadata().getName();
    Instant now = c.now();
    Instant renewAt = now.plus(settings.renewBefore());
    List<String> issued = new ArrayList<>();
    ClusterCa ca = cas.signer();
    String caPem = cas.signerPem();

    Map<String, String> caData = operatorEntries(ca, c.caEntries(), renewAt, now, issued);
    caData.putAll(cas.entries());
    Map<String, String> tlsData = new TreeMap<>(tlsEntries(c.tlsSecret()));
    String bundle = cas.bundle();
    boolean rolls =
        c.tlsSecret().isPresent() && !trusted(tlsData.get(TlsSecretModel.CA_CERT), bundle);
    tlsData.put(TlsSecretModel.CA_CERT, bundle);
    for (Pool pool : c.pools()) {
      for (int ordinal = 0; ordinal < pool.replicas(); ordinal++) {
        String pod = pool.podName(ordinal);
        String key = TlsSecretModel.podKey(pod);
        List<String> dnsNames = TlsSecretModel.dnsNames(pool, ordinal);
        String current = tlsData.get(key);
        Optional<String> why =
            current == null
                ? Optional.of("missing")
                : CertificateCheck.reissueBecause(current, current, ca, pod, dnsNames, renewAt);
        if (why.isPresent()) {
          IssuedCertificate certificate =
              ca.issue(pod, dnsNames, settings.certificateValidity(), now);
          tlsData.put(key, certificate.keyPem() + certificate.certificatePem() + caPem);
          issued.add(pod + " (" + why.get() + ")");
          rolls |= c.existingPods().contains(pod);
        }
      }
    }
    String revision = nextRevision(ca, revision(c.tlsSecret()), rolls);
    return new Outcome(
        Optional.of(
            TlsSecretModel.render(c.cr(), TlsSecretModel.caName(cluster), caData, Map.of())),
        Optional.of(
            TlsSecretModel.render(
                c.cr(),
                TlsSecretModel.tlsName(cluster),
                tlsData,
                Map.of(Labels.CERTIFICATES, revision))),
        revision,
        List.copyOf(issued),
        rolls,
        Optional.empty(),
        rotation);
  }

  private static Map<String, String> tlsEntries(Optional<Secret> tls) {
    return tls.map(TlsSecretModel::entries).orElse(Map.of());
  }

  /**
   * Whether the pods that loaded {@code current} (the bundle they run with) already trust every CA
   * of {@code bundle}: a bundle that only loses a CA needs no restart.
   */
  static boolean trusted(String current, String bundle) {
    try {
      return current != null && Pem.certificates(current).containsAll(Pem.certificates(bundle));
    } catch (Pem.InvalidPemException e) {
      return false;
    }
  }

  /** The operator's client certificate and key, kept while valid. */
  private Map<String, String> operatorEntries(
      ClusterCa ca,
      Map<String, String> caEntries,
      Instant renewAt,
      Instant now,
      List<String> issued) {
    Map<String, String> entries = new TreeMap<>();
    String key = caEntries.getOrDefault(TlsSecretModel.OPERATOR_KEY, "");
    String certificate = caEntries.getOrDefault(TlsSecretModel.OPERATOR_CERT, "");
    Optional<String> why =
        CertificateCheck.reissueBecause(
            key, certificate, ca, TlsSecretModel.OPERATOR_NAME, List.of(), renewAt);
    if (why.isPresent()) {
      IssuedCertificate operator =
          ca.issue(TlsSecretModel.OPERATOR_NAME, List.of(), settings.certificateValidity(), now);
      key = operator.keyPem();
      certificate = operator.certificatePem();
      issued.add("operator (" + why.get() + ")");
    }
    entries.put(TlsSecretModel.OPERATOR_KEY, key);
    entries.put(TlsSecretModel.OPERATOR_CERT, certificate);
    return entries;
  }

  /** The revision on a {@code <cluster>-tls} Secret, if it has one. */
  public static String revision(Optional<Secret> tls) {
    return tls.map(Secret::getMetadata)
        .map(m -> m.getAnnotations() == null ? null : m.getAnnotations().get(Labels.CERTIFICATES))
        .orElse(null);
  }

  /**
   * {@code <CA fingerprint>.<n>}: the CA's SHA-256 (12 hex digits) and a counter that goes up each
   * time an existing pod's certificate is issued again.
   */
  static String nextRevision(ClusterCa ca, String current, boolean rolls) {
    String fingerprint = fingerprint(ca);
    long n = 0;
    if (current != null && current.startsWith(fingerprint + ".")) {
      try {
        n = Long.parseLong(current.substring(fingerprint.length() + 1));
      } catch (NumberFormatException unreadable) {
        n = 0;
      }
    }
    return fingerprint + "." + (rolls ? n + 1 : n);
  }

  static String fingerprint(ClusterCa ca) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded());
      return HexFormat.of().formatHex(digest).substring(0, 12);
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("a CA certificate always has a SHA-256", e);
    }
  }
}
