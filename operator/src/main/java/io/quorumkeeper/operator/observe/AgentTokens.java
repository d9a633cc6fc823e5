package io.quorumkeeper.operator.observe;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.model.SecretModel;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each cluster's agent token for the observation threads that call the agents: read from the
 * cluster's Secret the first time it is needed (also right after an operator restart, so the first
 * observation already hears the agents), then kept in memory, since a token is never rotated.
 */
public final class AgentTokens {

  private final KubernetesClient client;
  private final Map<String, String> tokens = new ConcurrentHashMap<>();

  public AgentTokens(KubernetesClient client) {
    this.client = client;
  }

  public Optional<String> get(QuorumCluster cr) {
    String key = QuorumObservation.key(cr);
    String token = tokens.get(key);
    if (token != null) {
      return Optional.of(token);
    }
    Optional<String> read =
        Optional.ofNullable(
                client
                    .secrets()
                    .inNamespace(cr.getMetadata().getNamespace())
                    .withName(SecretModel.name(cr.getMetadata().getName()))
                    .get())
            .flatMap(SecretModel::token);
    read.ifPresent(t -> tokens.put(key, t));
    return read;
  }

  /**
   * Drops the token of a deleted cluster: a cluster created again under the same name gets a new
   * Secret with a new token.
   */
  public void forget(String cluster) {
    tokens.remove(cluster);
  }
}
