package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/** The cluster's Secret holding the agent's bearer token; created once, never rotated. */
public final class SecretModel {

  public static final String TOKEN_KEY = "agent-token";

  private SecretModel() {}

  public static String name(String cluster) {
    return cluster + "-agent-token";
  }

  public static Secret render(QuorumCluster cr, String token) {
    String cluster = cr.getMetadata().getName();
    return new SecretBuilder()
        .withMetadata(Owner.meta(cr, name(cluster), Labels.cluster(cluster)))
        .withType("Opaque")
        .withData(
            Map.of(
                TOKEN_KEY,
                Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8))))
        .build();
  }

  /** The token a Secret holds (in {@code data} or, as just written, {@code stringData}). */
  public static Optional<String> token(Secret secret) {
    if (secret.getData() != null && secret.getData().get(TOKEN_KEY) != null) {
      return Optional.of(
          new String(
                  Base64.getDecoder().decode(secret.getData().get(TOKEN_KEY)),
                  StandardCharsets.UTF_8)
              .strip());
    }
    if (secret.getStringData() != null && secret.getStringData().get(TOKEN_KEY) != null) {
      return Optional.of(secret.getStringData().get(TOKEN_KEY).strip());
    }
    return Optional.empty();
  }
}
