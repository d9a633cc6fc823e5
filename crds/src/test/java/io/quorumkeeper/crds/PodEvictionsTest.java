package io.quorumkeeper.crds;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PodEvictionsTest {

  private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
  private static final String PODS = "/api/v1/namespaces/kafka/pods";
  private static final String BUDGETS = "/apis/policy/v1/namespaces/kafka/poddisruptionbudgets";

  /** Pods of the StatefulSet {@code demo-node} (3 replicas) and its budget, by path. */
  private final Map<String, String> pods = new LinkedHashMap<>();

  private final List<String> budgets = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();

  private final PodEvictions.Store store =
      new PodEvictions.Store(
          path -> {
            if (path.equals(PODS)) {
              return list(pods.values().stream().toList());
            }
            if (path.equals(BUDGETS)) {
              return list(budgets);
            }
            if (path.equals("/apis/apps/v1/namespaces/kafka/statefulsets/demo-node")) {
              return "{\"spec\":{\"replicas\":3}}";
            }
            return pods.get(path);
          },
          path -> {
            deleted.add(path);
            pods.remove(path);
            return 200;
          });

  private static String list(List<String> items) {
    return items.stream().collect(Collectors.joining(",", "{\"items\":[", "]}"));
  }

  private void pod(String name, boolean ready, String extraMeta) {
    pods.put(
        PODS + "/" + name,
        "{\"metadata\":{\"name\":\""
            + name
            + "\",\"uid\":\"uid-"
            + name
            + "\",\"labels\":{\"app\":\"demo\",\"pool\":\"node\"},"
            + "\"ownerReferences\":[{\"kind\":\"StatefulSet\",\"name\":\"demo-node\","
            + "\"controller\":true}]"
            + extraMeta
            + "},\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\""
            + (ready ? "True" : "False")
            + "\"}]}}");
  }

  private void budget(String name, String spec, String status) {
    budgets.add(
        "{\"metadata\":{\"name\":\""
            + name
            + "\"},\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"demo\"}},"
            + spec
            + "},\"status\":{"
            + status
            + "}}");
  }

  private void threeReadyPodsAndMaxUnavailableOne() {
    pod("demo-node-0", true, "");
    pod("demo-node-1", true, "");
    pod("demo-node-2", true, "");
    budget("demo-node", "\"maxUnavailable\":1", "");
  }

  private PodEvictions.Answer evict(String pod, String uid) {
    String body =
        uid == null ? "{}" : "{\"deleteOptions\":{\"preconditions\":{\"uid\":\"" + uid + "\"}}}";
    return post(PODS + "/" + pod + "/eviction", body);
  }

  private PodEvictions.Answer post(String path, String body) {
    return PodEvictions.answer("POST", path, () -> body, store, NOW).orElseThrow();
  }

  @Test
  void givenEveryPodReady_whenOneIsEvicted_thenItIsDeleted() {
    threeReadyPodsAndMaxUnavailableOne();

    PodEvictions.Answer answer = evict("demo-node-0", "uid-demo-node-0");

    assertThat(answer.code()).isEqualTo(201);
    assertThat(deleted).containsExactly(PODS + "/demo-node-0");
  }

  @Test
  void givenOnePodNotReady_whenAReadyOneIsEvicted_thenTheBudgetRefusesIt() {
    threeReadyPodsAndMaxUnavailableOne();
    pod("demo-node-1", false, "");

    PodEvictions.Answer answer = evict("demo-node-0", null);

    assertThat(answer.code()).isEqualTo(429);
    assertThat(answer.body())
        .contains("TooManyRequests")
        .contains("The disruption budget demo-node needs 2 healthy pods and has 2 currently");
    assertThat(deleted).isEmpty();
  }

  @Test
  void givenOnePodNotReady_whenThatPodIsEvicted_thenItGoesAsTheBudgetIsMet() {
    threeReadyPodsAndMaxUnavailableOne();
    pod("demo-node-1", false, "");

    assertThat(evict("demo-node-1", null).code()).isEqualTo(201);
  }

  @Test
  void givenTwoPodsNotReady_whenANotReadyOneIsEvicted_thenOnlyAlwaysAllowLetsItGo() {
    pod("demo-node-0", true, "");
    pod("demo-node-1", false, "");
    pod("demo-node-2", false, "");
    budget("demo-node", "\"maxUnavailable\":1", "");

    assertThat(evict("demo-node-1", null).code()).isEqualTo(429);

    budgets.clear();
    budget("demo-node", "\"maxUnavailable\":1,\"unhealthyPodEvictionPolicy\":\"AlwaysAllow\"", "");
    assertThat(evict("demo-node-1", null).code()).isEqualTo(201);
  }

  @Test
  void givenAPodBeingDeleted_whenAnotherIsEvicted_thenTheBudgetRefusesIt() {
    threeReadyPodsAndMaxUnavailableOne();
    pod("demo-node-2", true, ",\"deletionTimestamp\":\"2026-12-06T11:59:59Z\"");

    assertThat(evict("demo-node-0", null).code()).isEqualTo(429);
  }

  @Test
  void givenAnEvictionAdmittedWhosePodIsNotGoneYet_whenAnotherIsEvicted_thenItIsRefused() {
    pod("demo-node-0", true, "");
    pod("demo-node-1", true, "");
    pod("demo-node-2", true, "");
    budget(
        "demo-node", "\"maxUnavailable\":1", "\"disruptedPods\":{\"demo-node-2\":\"" + NOW + "\"}");

    assertThat(evict("demo-node-0", null).code()).isEqualTo(429);
  }

  @Test
  void givenAnAdmittedEvictionOlderThanTwoMinutes_whenAnotherIsEvicted_thenItNoLongerCounts() {
    pod("demo-node-0", true, "");
    pod("demo-node-1", true, "");
    pod("demo-node-2", true, "");
    budget(
        "demo-node",
        "\"maxUnavailable\":1",
        "\"disruptedPods\":{\"demo-node-2\":\"" + NOW.minusSeconds(121) + "\"}");

    assertThat(evict("demo-node-0", null).code()).isEqualTo(201);
  }

  @Test
  void givenAStatefulSetShortOfItsReplicas_whenAReadyPodIsEvicted_thenTheMissingOneCounts() {
    pod("demo-node-0", true, "");
    pod("demo-node-1", true, "");
    budget("demo-node", "\"maxUnavailable\":1", "");

    assertThat(evict("demo-node-0", null).code()).isEqualTo(429);
  }

  @Test
  void givenAnotherUid_whenEvicted_thenThePodObjectIsKeptWithAConflict() {
    threeReadyPodsAndMaxUnavailableOne();

    PodEvictions.Answer answer = evict("demo-node-0", "uid-of-an-earlier-pod");

    assertThat(answer.code()).isEqualTo(409);
    assertThat(deleted).isEmpty();
  }

  @Test
  void givenTwoBudgetsSelectingThePod_whenEvicted_thenTheApiRefusesIt() {
    threeReadyPodsAndMaxUnavailableOne();
    budget("everything", "\"maxUnavailable\":\"50%\"", "");

    PodEvictions.Answer answer = evict("demo-node-0", null);

    assertThat(answer.code()).isEqualTo(500);
    assertThat(answer.body()).contains("more than one PodDisruptionBudget");
    assertThat(deleted).isEmpty();
  }

  @Test
  void givenNoBudget_whenEvicted_thenItIsDeleted() {
    pod("demo-node-0", true, "");

    assertThat(evict("demo-node-0", null).code()).isEqualTo(201);
    assertThat(evict("demo-node-0", null).code()).isEqualTo(404);
  }

  @Test
  void givenPercentagesAndMinAvailable_whenTheDesiredHealthyPodsAreCounted_thenTheyRoundUp() {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();

    assertThat(PodEvictions.desiredHealthy(json.createObjectNode().put("minAvailable", "50%"), 3))
        .isEqualTo(2);
    assertThat(PodEvictions.desiredHealthy(json.createObjectNode().put("maxUnavailable", "34%"), 3))
        .isEqualTo(1);
    assertThat(PodEvictions.desiredHealthy(json.createObjectNode().put("minAvailable", 3), 5))
        .isEqualTo(3);
  }

  @Test
  void givenRequestsThatAreNoEviction_thenTheMockAnswersThem() {
    pod("demo-node-0", true, "");

    assertThat(PodEvictions.answer("GET", PODS + "/demo-node-0/eviction", () -> "", store, NOW))
        .isEmpty();
    assertThat(PodEvictions.answer("POST", PODS + "/demo-node-0", () -> "{}", store, NOW))
        .isEmpty();
    assertThat(PodEvictions.answer("POST", PODS + "/demo-node-0/status", () -> "{}", store, NOW))
        .isEmpty();
  }

  @Test
  void givenADryRun_whenEvicted_thenItIsAnsweredButNothingIsDeleted() {
    threeReadyPodsAndMaxUnavailableOne();

    assertThat(post(PODS + "/demo-node-0/eviction?dryRun=All", "{}").code()).isEqualTo(201);
    assertThat(deleted).isEmpty();
  }

  @Test
  void givenAnEvictionOfAnotherName_orUnreadable_thenItIsABadRequest() {
    threeReadyPodsAndMaxUnavailableOne();

    assertThat(
            post(PODS + "/demo-node-0/eviction", "{\"metadata\":{\"name\":\"demo-node-1\"}}")
                .code())
        .isEqualTo(400);
    assertThat(post(PODS + "/demo-node-0/eviction", "{not json").code()).isEqualTo(400);
    assertThat(deleted).isEmpty();
  }

  @Test
  void givenAPendingOrTerminatingPod_whenEvicted_thenItGoesWithoutAskingTheBudget() {
    pod("demo-node-0", true, "");
    pod("demo-node-1", false, ",\"deletionTimestamp\":\"2026-12-06T11:59:59Z\"");
    pods.put(
        PODS + "/demo-node-2",
        "{\"metadata\":{\"name\":\"demo-node-2\",\"labels\":{\"app\":\"demo\"}},"
            + "\"status\":{\"phase\":\"Pending\"}}");
    budget("demo-node", "\"maxUnavailable\":0", "");

    assertThat(evict("demo-node-2", null).code()).isEqualTo(201);
    assertThat(evict("demo-node-1", null).code()).isEqualTo(201);
    assertThat(evict("demo-node-0", null).code()).isEqualTo(429);
  }

  @Test
  void givenAReadyPodListedAsDisruptedAlready_whenEvictedAgain_thenItCountsAsReadyAndIsRefused() {
    threeReadyPodsAndMaxUnavailableOne();
    budgets.clear();
    budget(
        "demo-node", "\"maxUnavailable\":1", "\"disruptedPods\":{\"demo-node-2\":\"" + NOW + "\"}");

    assertThat(evict("demo-node-2", null).code()).isEqualTo(429);
  }

  @Test
  void givenMatchExpressions_whenABudgetSelects_thenEveryExpressionMustHold() {
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var labels = json.createObjectNode().put("app", "demo").put("pool", "node");

    assertThat(
            PodEvictions.selects(
                selector(
                    json,
                    "{\"key\":\"pool\",\"operator\":\"In\",\"values\":[\"node\",\"broker\"]}"),
                labels))
        .isTrue();
    assertThat(
            PodEvictions.selects(
                selector(json, "{\"key\":\"pool\",\"operator\":\"NotIn\",\"values\":[\"node\"]}"),
                labels))
        .isFalse();
    assertThat(
            PodEvictions.selects(
                selector(json, "{\"key\":\"zone\",\"operator\":\"DoesNotExist\"}"), labels))
        .isTrue();
    assertThat(
            PodEvictions.selects(
                selector(json, "{\"key\":\"zone\",\"operator\":\"Exists\"}"), labels))
        .isFalse();
    assertThat(PodEvictions.selects(json.missingNode(), labels)).isFalse();
    assertThat(PodEvictions.selects(json.createObjectNode(), labels)).isTrue();
  }

  private static com.fasterxml.jackson.databind.JsonNode selector(
      com.fasterxml.jackson.databind.ObjectMapper json, String expression) {
    try {
      return json.readTree("{\"matchExpressions\":[" + expression + "]}");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
