package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quorumkeeper.local.api.Tables.Column;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The table columns a real API server prints for the built-in kinds the local runtime has pods,
 * StatefulSets and events of (Kubernetes' {@code pkg/printers/internalversion}), reduced to what
 * the runtime fills in. Columns of priority 1 are shown by {@code kubectl get -o wide}.
 */
final class BuiltInColumns {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private final Clock clock;

  BuiltInColumns(Clock clock) {
    this.clock = clock;
  }

  Column age() {
    return Column.of("Age", "string", 0, o -> text(age(o.at("/metadata/creationTimestamp"))));
  }

  List<Column> pods() {
    return List.of(
        Column.of("Ready", "string", 0, BuiltInColumns::podReady),
        Column.of("Status", "string", 0, o -> text(podStatus(o))),
        Column.of("Restarts", "string", 0, this::restarts),
        age(),
        Column.of("IP", "string", 1, o -> text(or(o.at("/status/podIP"), "<none>"))),
        Column.of("Node", "string", 1, o -> text(or(o.at("/spec/nodeName"), "<none>"))),
        Column.of("Nominated Node", "string", 1, o -> text("<none>")),
        Column.of("Readiness Gates", "string", 1, o -> text("<none>")));
  }

  List<Column> statefulSets() {
    return List.of(
        Column.of(
            "Ready",
            "string",
            0,
            o ->
                text(
                    o.at("/status/readyReplicas").asInt(0)
                        + "/"
                        + o.at("/spec/replicas").asInt(1))),
        age(),
        Column.of("Containers", "string", 1, o -> text(containers(o, "name"))),
        Column.of("Images", "string", 1, o -> text(containers(o, "image"))));
  }

  List<Column> events() {
    return List.of(
        Column.of("Last Seen", "string", 0, o -> text(age(lastSeenNode(o)))),
        Column.of("Type", "string", 0, o -> text(o.path("type").asText(""))),
        Column.of("Reason", "string", 0, o -> text(o.path("reason").asText(""))),
        Column.of(
            "Object",
            "string",
            0,
            o ->
                text(
                    o.at("/involvedObject/kind").asText("").toLowerCase(Locale.ROOT)
                        + "/"
                        + o.at("/involvedObject/name").asText(""))),
        Column.of(
            "Subobject", "string", 1, o -> text(o.at("/involvedObject/fieldPath").asText(""))),
        Column.of("Source", "string", 1, o -> text(o.at("/source/component").asText(""))),
        Column.of("Message", "string", 0, o -> text(o.path("message").asText(""))),
        Column.of("First Seen", "string", 1, o -> text(age(o.path("firstTimestamp")))),
        Column.of("Count", "string", 1, o -> text(String.valueOf(o.path("count").asInt(1)))),
        Column.of("Name", "string", 1, o -> text(o.at("/metadata/name").asText())));
  }

  /** When an event was last seen (for ordering): lastTimestamp, else eventTime, else created. */
  static String lastSeen(JsonNode event) {
    return lastSeenNode(event).asText("");
  }

  private static JsonNode lastSeenNode(JsonNode event) {
    for (String field : List.of("lastTimestamp", "eventTime", "firstTimestamp")) {
      JsonNode n = event.path(field);
      if (n.isTextual() && !n.asText().isBlank()) {
        return n;
      }
    }
    return event.at("/metadata/creationTimestamp");
  }

  private static JsonNode podReady(JsonNode pod) {
    int total = pod.at("/spec/containers").size();
    int ready = 0;
    for (JsonNode s : pod.at("/status/containerStatuses")) {
      ready += s.path("ready").asBoolean(false) ? 1 : 0;
    }
    return text(ready + "/" + total);
  }

  /** The pod's STATUS as kubectl shows it: Terminating, a container's reason, else the phase. */
  private static String podStatus(JsonNode pod) {
    if (pod.at("/metadata/deletionTimestamp").isTextual()) {
      return "Terminating";
    }
    String status = pod.at("/status/reason").asText(pod.at("/status/phase").asText("Pending"));
    for (JsonNode s : pod.at("/status/containerStatuses")) {
      String waiting = s.at("/state/waiting/reason").asText("");
      String terminated = s.at("/state/terminated/reason").asText("");
      if (!waiting.isEmpty()) {
        status = waiting;
      } else if (!terminated.isEmpty()) {
        status = terminated;
      }
    }
    return status;
  }

  private JsonNode restarts(JsonNode pod) {
    int restarts = 0;
    String lastFinished = "";
    for (JsonNode s : pod.at("/status/containerStatuses")) {
      restarts += s.path("restartCount").asInt(0);
      String finished = s.at("/lastState/terminated/finishedAt").asText("");
      if (finished.compareTo(lastFinished) > 0) {
        lastFinished = finished;
      }
    }
    if (restarts > 0 && !lastFinished.isEmpty()) {
      return text(restarts + " (" + Ages.since(lastFinished, clock.instant()) + " ago)");
    }
    return text(String.valueOf(restarts));
  }

  private static String containers(JsonNode set, String field) {
    List<String> values = new ArrayList<>();
    set.at("/spec/template/spec/containers").forEach(c -> values.add(c.path(field).asText()));
    return String.join(",", values);
  }

  private String age(JsonNode timestamp) {
    return Ages.since(timestamp.isTextual() ? timestamp.asText() : null, clock.instant());
  }

  private static String or(JsonNode value, String fallback) {
    return value.isTextual() && !value.asText().isEmpty() ? value.asText() : fallback;
  }

  private static JsonNode text(String value) {
    return NODES.textNode(value);
  }
}
