package io.quorumkeeper.local.api;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** What an API error says to a person: the Status message in one line, not Fabric8's dump. */
public final class ApiErrors {

  private ApiErrors() {}

  /** Whether the API refused the object as invalid (422: schema, CEL rule, immutable field). */
  public static boolean isInvalid(KubernetesClientException e) {
    return e.getCode() == ValidatingDispatcher.UNPROCESSABLE_ENTITY;
  }

  /**
   * The Status message ({@code QuorumCluster.quorumkeeper.io "orders" is invalid: ...}), else the
   * first line of the exception's message.
   */
  public static String message(KubernetesClientException e) {
    Status status = e.getStatus();
    String text =
        status != null && status.getMessage() != null && !status.getMessage().isBlank()
            ? status.getMessage()
            : String.valueOf(e.getMessage());
    return text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse(text);
  }
}
