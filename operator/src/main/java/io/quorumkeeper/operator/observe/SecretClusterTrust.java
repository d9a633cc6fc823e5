package io.quorumkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quorumkeeper.operator.model.TlsSecretModel;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Reads the operator's TLS material for a cluster from the cluster's {@code <name>-ca} Secret and
 * keeps it a while: the observation asks every few seconds, and the material changes only when the
 * operator renews it, weeks before it expires, or rotates the CA; the reconciler then says so
 * ({@link #forget}) right after it wrote the Secret. A cluster without that Secret is reached in
 * plaintext; it is asked again soon, since a new cluster gets its Secret within a pass.
 */
public final class SecretClusterTrust implements ClusterTrust {

  static final Duration KEEP = Duration.ofSeconds(60);
  static final Duration KEEP_ABSENT = Duration.ofSeconds(5);

  private static final Logger LOG = Logger.getLogger(SecretClusterTrust.class);

  private record Kept(Optional<ClientTls> tls, Instant until) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Map<String, Kept> kept = new ConcurrentHashMap<>();

  public SecretClusterTrust(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  @Override
  public Optional<ClientTls> of(String cluster) {
    Instant now = clock.instant();
    Kept current = kept.get(cluster);
    if (current != null && now.isBefore(current.until())) {
      return current.tls();
    }
    Optional<ClientTls> read = read(cluster);
    kept.put(cluster, new Kept(read, now.plus(read.isPresent() ? KEEP : KEEP_ABSENT)));
    return read;
  }

  @Override
  public void forget(String cluster) {
    kept.remove(cluster);
  }

  private Optional<ClientTls> read(String cluster) {
    int slash = cluster.indexOf('/');
    String namespace = cluster.substring(0, slash);
    String name = cluster.substring(slash + 1);
    try {
      Secret secret =
          client.secrets().inNamespace(namespace).withName(TlsSecretModel.caName(name)).get();
      return secret == null ? Optional.empty() : fromSecret(secret);
    } catch (KubernetesClientException e) {
      LOG.debugf("cluster=%s CA Secret not read: %s", cluster, e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The material a {@code <name>-ca} Secret holds, empty when any part is missing or unusable: the
   * operator trusts every CA the pods trust (during a CA rotation, the next or the previous one
   * too) and presents its certificate of the signing CA.
   */
  public static Optional<ClientTls> fromSecret(Secret secret) {
    Map<String, String> entries = TlsSecretModel.entries(secret);
    try {
      return Optional.of(
          new ClientTls(
              TlsSecretModel.trustBundle(entries),
              entries.get(TlsSecretModel.OPERATOR_CERT),
              entries.get(TlsSecretModel.OPERATOR_KEY)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
