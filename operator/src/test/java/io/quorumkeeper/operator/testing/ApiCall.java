package io.quorumkeeper.operator.testing;

import java.util.Set;

/** One HTTP request the operator made to the (mock) Kubernetes API. */
public record ApiCall(String method, String path, String userAgent) {

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  public boolean isWrite() {
    return WRITES.contains(method);
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
