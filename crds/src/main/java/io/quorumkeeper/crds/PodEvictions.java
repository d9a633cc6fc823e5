package io.quorumkeeper.crds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The eviction subresource ({@code POST /api/v1/namespaces/NS/pods/NAME/eviction}) as a Kubernetes
 * API server answers it, for the mock APIs of our tests and local runtime, which have none: the
 * pod's PodDisruptionBudget is honoured, so a rolling restart racing a node drain is ordered by the
 * API and not by either client's cache. Where a real cluster's disruption controller keeps each
 * budget's status, this counts the budget's pods at the moment of the request: healthy means Ready,
 * not being deleted, and not listed in the budget's {@code status.disruptedPods} (an eviction
 * admitted less than two minutes ago whose pod is not gone yet). The pods expected are the replicas
 * of the StatefulSets owning the budget's pods (their count where no StatefulSet owns them). A pod
 * that is not Ready may go while the budget is met ({@code IfHealthyBudget}, the default, or {@code
 * AlwaysAllow}).
 */
public final class PodEvictions {

  /** How long an admitted eviction counts against its budget before its pod is gone. */
  static final Duration DISRUPTION_TIMEOUT = Duration.ofMinutes(2);

  private static final Pattern PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/eviction(\\?.*)?$");

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the mock API stores, read and deleted by path.
   *
   * @param get the stored object or list at a path, as JSON, or null when there is none
   * @param delete deletes the object at a path at once; the HTTP code of the delete
   */
  public record Store(Function<String, String> get, ToIntFunction<String> delete) {}

  /** The API's answer: an HTTP code and a {@code Status} body. */
  public record Answer(int code, String body) {}

  private PodEvictions() {}

  /**
   * The API's answer to {@code method path} with {@code body} when the request is a pod's eviction,
   * else empty (the mock answers it; the body, which a mock request may hold only once, is then not
   * read). Evictions are decided one at a time, as the API server's optimistic concurrency on the
   * budget makes them; other requests pass without the lock.
   */
  public static Optional<Answer> answer(
      String method, String path, Supplier<String> body, Store store, Instant now) {
    if (!"POST".equals(method) || path == null) {
      return Optional.empty();
    }
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      return Optional.empty();
    }
    boolean dryRun = m.group(3) != null && m.group(3).matches(".*[?&]dryRun=All(&.*)?");
    synchronized (PodEvictions.class) {
      try {
        return Optional.of(evict(store, m.group(1), m.group(2), body.get(), dryRun, now));
      } catch (RuntimeException e) {
        // as an API server answers what it cannot handle, instead of no answer at all
        return Optional.of(failure(500, "InternalError", "eviction failed: " + e, List.of()));
      }
    }
  }

  /**
   * Evicts {@code pod} of {@code namespace}, asked with the Eviction {@code body} (its {@code
   * deleteOptions.preconditions.uid} honoured), at {@code now}; {@code dryRun} deletes nothing.
   */
  private static Answer evict(
      Store store, String namespace, String pod, String body, boolean dryRun, Instant now) {
    JsonNode request;
    try {
      request = read(body);
    } catch (UncheckedIOException e) {
      return failure(400, "BadRequest", "the Eviction could not be read", List.of());
    }
    String named = request == null ? "" : request.at("/metadata/name").asText("");
    if (!named.isEmpty() && !named.equals(pod)) {
      return failure(
          400, "BadRequest", "name in URL does not match name in Eviction object", List.of());
    }
    String podPath = "/api/v1/namespaces/" + namespace + "/pods/" + pod;
    JsonNode target = read(store.get().apply(podPath));
    if (target == null) {
      return failure(404, "NotFound", "pods \"" + pod + "\" not found", List.of());
    }
    String uid = target.at("/metadata/uid").asText("");
    String wanted =
        request == null ? "" : request.at("/deleteOptions/preconditions/uid").asText("");
    if (!wanted.isEmpty() && !wanted.equals(uid)) {
      return failure(
          409,
          "Conflict",
          "Precondition failed: UID in precondition: " + wanted + ", UID in object meta: " + uid,
          List.of());
    }
    if (disruptedAlready(target)) {
      // Pending, finished or being deleted: its disruption has happened, no budget is asked
      return deleted(store, podPath, dryRun);
    }
    List<JsonNode> budgets = new ArrayList<>();
    for (JsonNode budget :
        items(
            store
                .get()
                .apply("/apis/policy/v1/namespaces/" + namespace + "/poddisruptionbudgets"))) {
      if (selects(budget.at("/spec/selector"), target.at("/metadata/labels"))) {
        budgets.add(budget);
      }
    }
    if (budgets.size() > 1) {
      return failure(
          500,
          "InternalError",
          "This pod has more than one PodDisruptionBudget, which the eviction subresource does"
              + " not support.",
          List.of());
    }
    if (!budgets.isEmpty()) {
      Optional<String> refused = refusal(store, namespace, budgets.get(0), target, now);
      if (refused.isPresent()) {
        return failure(
            429,
            "TooManyRequests",
            "Cannot evict pod as it would violate the pod's disruption budget.",
            List.of(refused.get()));
      }
    }
    return deleted(store, podPath, dryRun);
  }

  private static Answer deleted(Store store, String podPath, boolean dryRun) {
    int deleted = dryRun ? 200 : store.delete().applyAsInt(podPath);
    if (deleted >= 300) {
      return failure(deleted, "InternalError", "the pod could not be deleted", List.of());
    }
    return new Answer(
        201, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\",\"code\":201}");
  }

  /** A pod whose eviction no budget decides: Pending, Succeeded, Failed, or being deleted. */
  private static boolean disruptedAlready(JsonNode pod) {
    String phase = pod.at("/status/phase").asText("");
    return deleting(pod)
        || phase.equals("Pending")
        || phase.equals("Succeeded")
        || phase.equals("Failed");
  }

  private static boolean deleting(JsonNode pod) {
    JsonNode deletion = pod.at("/metadata/deletionTimestamp");
    return !deletion.isMissingNode() && !deletion.isNull();
  }

  /** Why {@code budget} keeps {@code pod}, or empty when it may go. */
  private static Optional<String> refusal(
      Store store, String namespace, JsonNode budget, JsonNode pod, Instant now) {
    JsonNode selector = budget.at("/spec/selector");
    Set<String> disrupted = recentlyDisrupted(budget.at("/status/disruptedPods"), now);
    List<JsonNode> selected = new ArrayList<>();
    for (JsonNode candidate :
        items(store.get().apply("/api/v1/namespaces/" + namespace + "/pods"))) {
      if (selects(selector, candidate.at("/metadata/labels"))) {
        selected.add(candidate);
      }
    }
    int healthy = 0;
    for (JsonNode candidate : selected) {
      if (healthy(candidate, disrupted)) {
        healthy++;
      }
    }
    int expected = expected(store, namespace, selected);
    int desiredHealthy = desiredHealthy(budget.path("spec"), expected);
    String name = budget.at("/metadata/name").asText();
    String counted =
        "The disruption budget "
            + name
            + " needs "
            + desiredHealthy
            + " healthy pods and has "
            + healthy
            + " currently";
    if (!ready(pod)) {
      // a pod not Ready takes nothing from the budget: it may go while the budget is met
      boolean always = "AlwaysAllow".equals(budget.at("/spec/unhealthyPodEvictionPolicy").asText());
      return always || (healthy >= desiredHealthy && desiredHealthy > 0)
          ? Optional.empty()
          : Optional.of(counted);
    }
    return healthy - desiredHealthy > 0 ? Optional.empty() : Optional.of(counted);
  }

  /** The pods the budget's pods' StatefulSets want, or the pods' count where none owns them. */
  private static int expected(Store store, String namespace, List<JsonNode> pods) {
    Set<String> owners = new HashSet<>();
    int unowned = 0;
    for (JsonNode pod : pods) {
      Optional<String> owner = statefulSetOwner(pod);
      if (owner.isPresent()) {
        owners.add(owner.get());
      } else {
        unowned++;
      }
    }
    int expected = unowned;
    for (String owner : owners) {
      JsonNode set =
          read(
              store
                  .get()
                  .apply("/apis/apps/v1/namespaces/" + namespace + "/statefulsets/" + owner));
      expected += set == null ? 0 : set.at("/spec/replicas").asInt(1);
    }
    return expected;
  }

  private static Optional<String> statefulSetOwner(JsonNode pod) {
    for (JsonNode ref : pod.at("/metadata/ownerReferences")) {
      if (ref.path("controller").asBoolean(false)
          && "StatefulSet".equals(ref.path("kind").asText())) {
        return Optional.of(ref.path("name").asText());
      }
    }
    return Optional.empty();
  }

  /**
   * {@code minAvailable}, or the expected pods less {@code maxUnavailable}; percentages of the
   * expected pods rounded up, as the disruption controller does.
   */
  static int desiredHealthy(JsonNode spec, int expected) {
    if (spec.has("minAvailable")) {
      return scaled(spec.get("minAvailable"), expected);
    }
    if (spec.has("maxUnavailable")) {
      return Math.max(0, expected - scaled(spec.get("maxUnavailable"), expected));
    }
    return 0;
  }

  private static int scaled(JsonNode value, int expected) {
    if (value.isNumber()) {
      return value.asInt();
    }
    String text = value.asText().trim();
    if (text.endsWith("%")) {
      int percent = Integer.parseInt(text.substring(0, text.length() - 1));
      return (int) Math.ceil(expected * percent / 100.0);
    }
    return Integer.parseInt(text);
  }

  private static boolean healthy(JsonNode pod, Set<String> disrupted) {
    return !deleting(pod) && !disrupted.contains(pod.at("/metadata/name").asText()) && ready(pod);
  }

  private static boolean ready(JsonNode pod) {
    for (JsonNode condition : pod.at("/status/conditions")) {
      if ("Ready".equals(condition.path("type").asText())) {
        return "True".equals(condition.path("status").asText());
      }
    }
    return false;
  }

  private static Set<String> recentlyDisrupted(JsonNode disruptedPods, Instant now) {
    Set<String> names = new HashSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = disruptedPods.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      try {
        if (Instant.parse(entry.getValue().asText()).plus(DISRUPTION_TIMEOUT).isAfter(now)) {
          names.add(entry.getKey());
        }
      } catch (DateTimeParseException e) {
        names.add(entry.getKey()); // an unreadable time: counted, as the safer reading
      }
    }
    return names;
  }

  /** Whether a label selector ({@code matchLabels}, {@code matchExpressions}) selects labels. */
  static boolean selects(JsonNode selector, JsonNode labels) {
    if (selector.isMissingNode() || selector.isNull()) {
      return false; // a budget without a selector selects nothing (policy/v1)
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = selector.path("matchLabels").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().asText().equals(labels.path(entry.getKey()).asText(null))) {
        return false;
      }
    }
    for (JsonNode expression : selector.path("matchExpressions")) {
      String key = expression.path("key").asText();
      Set<String> values = new HashSet<>();
      expression.path("values").forEach(v -> values.add(v.asText()));
      boolean has = labels.has(key);
      String value = labels.path(key).asText(null);
      boolean ok =
          switch (expression.path("operator").asText()) {
            case "In" -> has && values.contains(value);
            case "NotIn" -> !has || !values.contains(value);
            case "Exists" -> has;
            case "DoesNotExist" -> !has;
            default -> false;
          };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static List<JsonNode> items(String list) {
    JsonNode node = read(list);
    List<JsonNode> items = new ArrayList<>();
    if (node != null) {
      node.path("items").forEach(items::add);
    }
    return items;
  }

  private static JsonNode read(String json) {
    if (json == null || json.isBlank()) {
      return null;
    }
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer failure(int code, String reason, String message, List<String> causes) {
    ObjectNode status = JSON.createObjectNode();
    status.put("kind", "Status").put("apiVersion", "v1").put("status", "Failure");
    status.put("message", message).put("reason", reason).put("code", code);
    if (!causes.isEmpty()) {
      var array = status.putObject("details").putArray("causes");
      causes.forEach(c -> array.addObject().put("reason", "DisruptionBudget").put("message", c));
    }
    return new Answer(code, status.toString());
  }
}
