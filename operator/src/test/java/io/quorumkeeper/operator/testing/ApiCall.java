package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** One HTTP request the operator made to the (mock) Kubernetes API. */
public record ApiCall(String method, String path, String userAgent) {

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  /** Every request the mock server recorded and nobody took yet, oldest first. */
  public static List<ApiCall> takeAll(KubernetesMockServer server) {
    List<ApiCall> taken = new ArrayList<>();
    try {
      RecordedRequest request;
      while ((request = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
        taken.add(
            new ApiCall(request.getMethod(), request.getPath(), request.getHeader("User-Agent")));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return taken;
  }

  public boolean isWrite() {
    return WRITES.contains(method);
  }

  @Override
  public String toString() {
    return method + " " + path;
  }
}
