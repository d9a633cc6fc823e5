package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

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
}
