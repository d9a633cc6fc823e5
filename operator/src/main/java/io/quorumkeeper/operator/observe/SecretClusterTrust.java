package io.quorumkeeper.operator.observe;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Reads the operator's TLS material for a cluster from the cluster's {@code <name>-ca} Secret and
 * keeps it a while: the observation asks every few seconds, and the material changes only when the
 * operator renews it, weeks before it expires. A cluster without that Secret is reached in
 * plaintext; it is asked again soon, since a new cluster gets its Secret within a pass.
 */
public final class SecretClusterTrust implements ClusterTrust {

  public static final String CA_CERT = "ca.crt";
  public static final String OPERATOR_CERT = "operator.crt";
  public static final String OPERATOR_KEY = "operator.key";

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

  /** The Secret holding the cluster CA and the operator's client certificate for it. */
  public static String secretName(String clusterName) {
    return clusterName + "-ca";
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
      Secret secret = client.secrets().inNamespace(namespace).withName(secretName(name)).get();
      return secret == null ? Optional.empty() : fromSecret(secret);
    } catch (KubernetesClientException e) {
      LOG.debugf("cluster=%s CA Secret not read: %s", cluster, e.getMessage());
      return Optional.empty();
    }
  }

  /** The material a {@code <name>-ca} Secret holds, empty when any part is missing or unusable. */
  public static Optional<ClientTls> fromSecret(Secret secret) {
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    Optional<String> ca = decoded(data, CA_CERT);
    Optional<String> cert = decoded(data, OPERATOR_CERT);
    Optional<String> key = decoded(data, OPERATOR_KEY);
    if (ca.isEmpty() || cert.isEmpty() || key.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ClientTls(ca.get(), cert.get(), key.get()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> decoded(Map<String, String> data, String key) {
    String value = data.get(key);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
