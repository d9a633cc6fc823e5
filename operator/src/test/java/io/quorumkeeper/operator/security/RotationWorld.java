package io.quorumkeeper.operator.security;

import io.fabric8.kubernetes.api.model.Secret;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.ClusterModel;
import io.quorumkeeper.operator.model.Examples;
import io.quorumkeeper.operator.model.Pool;
import io.quorumkeeper.operator.model.TlsSecretModel;
import io.quorumkeeper.operator.observe.SecretClusterTrust;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * A TLS cluster as CA rotation sees it: its two Secrets, as the API server holds them, and its
 * pods, each with what it loaded when it started (certificate, trusted CAs, revision). Passes of
 * the operator and pod restarts are steps a test takes in any order.
 */
final class RotationWorld {

  static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");
  static final TlsSettings SETTINGS =
      new TlsSettings(
          Duration.ofDays(1000), Duration.ofDays(2000), Duration.ofDays(30), Duration.ofDays(90));

  /**
   * After this the first CA is due for rotation; a new CA made then is not. Certificates last as
   * long as their CA (capped): only the rotation issues them again.
   */
  static final Instant DUE = CREATED.plus(Duration.ofDays(1000 - 90 + 1));

  /** What a pod loaded when it started. */
  record Pod(
      String revision, X509Certificate certificate, List<X509Certificate> trusted, boolean ready) {}

  final QuorumCluster cr = Examples.load("combined.yaml");
  final List<Pool> pools = ClusterModel.pools(cr);
  final Map<String, Pod> pods = new TreeMap<>();
  Optional<Secret> ca = Optional.empty();
  Optional<Secret> tls = Optional.empty();
  Optional<ClusterCa> wanted = Optional.empty();
  Instant now = CREATED;
  ClusterCertificates operator = new ClusterCertificates(SETTINGS);

  /** A running cluster: its certificates issued, every pod started on them and ready. */
  static RotationWorld running() {
    RotationWorld world = new RotationWorld();
    world.pass();
    world.podNames().forEach(pod -> world.restart(pod, true));
    return world;
  }

  List<String> podNames() {
    List<String> names = new ArrayList<>();
    pools.forEach(p -> IntStream.range(0, p.replicas()).forEach(i -> names.add(p.podName(i))));
    return names;
  }

  /** What the operator decides now, without writing it. */
  ClusterCertificates.Outcome decide() {
    Map<String, String> running = new TreeMap<>();
    pods.forEach(
        (name, pod) -> {
          if (pod.ready()) {
            running.put(name, pod.revision());
          }
        });
    return operator.reconcile(cr, pools, pods.keySet(), running, wanted, ca, tls, now);
  }

  /** One pass that writes both Secrets; returns what it decided. */
  ClusterCertificates.Outcome pass() {
    ClusterCertificates.Outcome outcome = decide();
    if (outcome.problem().isEmpty()) {
      ca = outcome.ca();
      tls = outcome.tls();
    }
    return outcome;
  }

  /** A pass whose {@code <cluster>-tls} write fails after {@code <cluster>-ca} was written. */
  ClusterCertificates.Outcome halfPass() {
    ClusterCertificates.Outcome outcome = decide();
    if (outcome.problem().isEmpty()) {
      ca = outcome.ca();
    }
    return outcome;
  }

  /** The operator restarted: a new instance, the Secrets as read back from the API server. */
  void restartOperator() {
    operator = new ClusterCertificates(SETTINGS);
    ca = ca.map(RotationWorld::readBack);
    tls = tls.map(RotationWorld::readBack);
  }

  private static Secret readBack(Secret secret) {
    return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
        io.fabric8.kubernetes.client.utils.Serialization.asJson(secret), Secret.class);
  }

  /** The pod (re)starts on what {@code <cluster>-tls} holds now. */
  void restart(String pod, boolean ready) {
    Map<String, String> entries = TlsSecretModel.entries(tls.orElseThrow());
    pods.put(
        pod,
        new Pod(
            ClusterCertificates.revision(tls),
            certificates(entries.get(TlsSecretModel.podKey(pod))).get(0),
            certificates(entries.get(TlsSecretModel.CA_CERT)),
            ready));
  }

  void ready(String pod) {
    Pod p = pods.get(pod);
    pods.put(pod, new Pod(p.revision(), p.certificate(), p.trusted(), true));
  }

  /** Every pod not on the current revision restarts, ready: what a finished roll does. */
  void roll() {
    rollExcept("");
  }

  /** A roll that has not reached {@code left} yet. */
  void rollExcept(String left) {
    String revision = ClusterCertificates.revision(tls);
    podNames().stream()
        .filter(pod -> !pod.equals(left))
        .filter(pod -> !pods.containsKey(pod) || !pods.get(pod).revision().equals(revision))
        .forEach(pod -> restart(pod, true));
  }

  Map<String, String> caEntries() {
    return TlsSecretModel.entries(ca.orElseThrow());
  }

  Map<String, String> tlsEntries() {
    return TlsSecretModel.entries(tls.orElseThrow());
  }

  X509Certificate signer() {
    return certificates(caEntries().get(TlsSecretModel.CA_CERT)).get(0);
  }

  List<X509Certificate> bundle() {
    return certificates(tlsEntries().get(TlsSecretModel.CA_CERT));
  }

  /** The operator's certificate, and the CAs it trusts, as its clients read them. */
  X509Certificate operatorCertificate() {
    return certificates(caEntries().get(TlsSecretModel.OPERATOR_CERT)).get(0);
  }

  List<X509Certificate> operatorTrust() {
    return certificates(SecretClusterTrust.fromSecret(ca.orElseThrow()).orElseThrow().caPem());
  }

  /** Whether one of {@code trusted} signed {@code certificate}. */
  static boolean trusts(List<X509Certificate> trusted, X509Certificate certificate) {
    return trusted.stream()
        .anyMatch(
            ca -> {
              try {
                certificate.verify(ca.getPublicKey());
                return certificate.getIssuerX500Principal().equals(ca.getSubjectX500Principal());
              } catch (java.security.GeneralSecurityException e) {
                return false;
              }
            });
  }

  static List<X509Certificate> certificates(String pem) {
    try {
      return Pem.certificates(pem);
    } catch (Pem.InvalidPemException e) {
      throw new AssertionError(e);
    }
  }
}
