package io.quorumkeeper.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.quorumkeeper.local.api.ApiRequests.Call;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiRequestsTest {

  @ParameterizedTest(name = "{0} {1} -> {2}/{3}")
  @CsvSource({
    "PUT,   /apis/quorumkeeper.io/v1alpha1/namespaces/default/quorumclusters/orders/status, quorumclusters, status",
    "POST,  /api/v1/namespaces/default/events,                                               events,         ''",
    "PUT,   /apis/apps/v1/namespaces/default/statefulsets/orders-node,                       statefulsets,   ''",
    "PATCH, /api/v1/namespaces/default/pods/orders-node-0/status?fieldManager=x,            pods,           status",
    "GET,   /api/v1/namespaces/default/pods?watch=true&resourceVersion=12,                  pods,           ''",
    "PUT,   /api/v1/nodes/local-orders-node-0/status,                                        nodes,          status",
    "GET,   /api/v1/namespaces,                                                              namespaces,     ''",
    "DELETE,/api/v1/namespaces/kafka,                                                        namespaces,     ''",
    "POST,  /apis/events.k8s.io/v1/namespaces/default/events,                                events,         ''"
  })
  void givenKubernetesPath_whenClassified_thenResourceAndSubresource(
      String method, String path, String resource, String sub) {
    Call call = ApiRequests.classify(method, path, "agent");

    assertThat(call).isEqualTo(new Call("agent", method, resource, sub));
  }

  @Test
  void givenCalls_whenClassified_thenWritesStatusWritesAndEventsAreTold() {
    Call status = new Call("a", "PUT", "quorumclusters", "status");
    Call event = new Call("a", "POST", "events", "");
    Call read = new Call("a", "GET", "quorumclusters", "status");

    assertThat(status.isWrite()).isTrue();
    assertThat(status.isStatusWrite()).isTrue();
    assertThat(status.isEventWrite()).isFalse();
    assertThat(event.isEventWrite()).isTrue();
    assertThat(read.isWrite()).isFalse();
    assertThat(read.isStatusWrite()).isFalse();
  }

  @Test
  void givenTwoCountSnapshots_whenSubtracted_thenOnlyWhatHappenedInBetween() {
    Call a = new Call("op", "PUT", "quorumclusters", "status");
    Call b = new Call("op", "POST", "events", "");

    Map<Call, Long> delta = ApiRequests.between(Map.of(a, 3L, b, 1L), Map.of(a, 5L, b, 1L));

    assertThat(delta).containsExactly(Map.entry(a, 2L));
  }
}
