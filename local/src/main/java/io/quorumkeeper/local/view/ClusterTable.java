package io.quorumkeeper.local.view;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quorumkeeper.local.api.QuorumClusters;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code kubectl get qc -o wide} would print, from the CRD's own printer columns, plus one
 * line per quorum member ({@code status.quorum.members}) and one per pod.
 */
public final class ClusterTable {

  private static final List<CustomResourceColumnDefinition> FALLBACK_COLUMNS =
      List.of(
          column("Topology", ".spec.topology"),
          column("Voters", ".status.quorum.voterSummary"),
          column("Leader", ".status.quorum.leaderId"),
          column("Epoch", ".status.quorum.leaderEpoch"),
          column("Tolerates", ".status.quorum.faultTolerance"),
          column("Ready", ".status.conditions[?(@.type==\"Ready\")].status"),
          column("Age", ".metadata.creationTimestamp"));

  private ClusterTable() {}

  private static CustomResourceColumnDefinition column(String name, String path) {
    CustomResourceColumnDefinition c = new CustomResourceColumnDefinition();
    c.setName(name);
    c.setJsonPath(path);
    c.setType("Age".equals(name) ? "date" : "string");
    return c;
  }

  /** The columns the installed CRD declares (all priorities: "-o wide"). */
  static List<CustomResourceColumnDefinition> columns(KubernetesClient client) {
    try {
      var crd =
          client
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .withName("quorumclusters.quorumkeeper.io")
              .get();
      if (crd != null && crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns() != null) {
        return crd.getSpec().getVersions().get(0).getAdditionalPrinterColumns();
      }
    } catch (RuntimeException e) {
      // fall through
    }
    return FALLBACK_COLUMNS;
  }

  public static String render(KubernetesClient client, boolean color) {
    List<CustomResourceColumnDefinition> columns = columns(client);
    List<GenericKubernetesResource> clusters = new ArrayList<>(QuorumClusters.all(client));
    clusters.sort(
        Comparator.comparing(
            c -> c.getMetadata().getNamespace() + "/" + c.getMetadata().getName()));
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("NAMESPACE", "NAME"));
    columns.forEach(c -> header.add(c.getName().toUpperCase()));
    rows.add(header);
    for (GenericKubernetesResource qc : clusters) {
      List<String> row =
          new ArrayList<>(List.of(qc.getMetadata().getNamespace(), qc.getMetadata().getName()));
      for (CustomResourceColumnDefinition c : columns) {
        Object v = JsonPaths.read(qc, c.getJsonPath());
        row.add("date".equals(c.getType()) ? age(v) : v == null ? "" : String.valueOf(v));
      }
      rows.add(row);
    }
    StringBuilder out = new StringBuilder(table(rows));
    if (clusters.isEmpty()) {
      out.append("(no QuorumCluster yet: ./quorum-keeper apply <file>)\n");
    }
    List<Pod> pods = client.pods().inAnyNamespace().list().getItems();
    for (GenericKubernetesResource qc : clusters) {
      out.append('\n').append(qc.getMetadata().getName()).append(": ");
      out.append(conditionLine(qc)).append('\n');
      List<List<String>> members = new ArrayList<>();
      members.add(List.of("  NODE", "POD", "ROLE", "LAG", "HEALTH", "DIRECTORY"));
      for (Map<String, Object> m : list(qc, "status.quorum.members")) {
        members.add(
            List.of(
                "  " + str(m.get("nodeId")),
                str(m.get("pod")),
                str(m.get("role")),
                str(m.get("lag")),
                str(m.get("health")),
                str(m.get("directoryId"))));
      }
      if (members.size() > 1) {
        out.append(table(members));
      } else {
        out.append("  (no quorum members in status yet)\n");
      }
      List<List<String>> podRows = new ArrayList<>();
      podRows.add(List.of("  POD", "READY", "STATUS", "RESTARTS", "IP", "NODE"));
      pods.stream()
          .filter(
              p -> Objects.equals(p.getMetadata().getNamespace(), qc.getMetadata().getNamespace()))
          .filter(
              p ->
                  qc.getMetadata().getName().equals(labels(p).get("app.kubernetes.io/instance"))
                      || p.getMetadata().getName().startsWith(qc.getMetadata().getName() + "-"))
          .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
          .forEach(p -> podRows.add(podRow(p)));
      out.append(table(podRows));
    }
    return out.toString();
  }

  private static Map<String, String> labels(Pod p) {
    return p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels();
  }

  private static List<String> podRow(Pod p) {
    var status = p.getStatus();
    boolean ready =
        status != null
            && status.getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    String state = status == null || status.getPhase() == null ? "Pending" : status.getPhase();
    int restarts = 0;
    if (status != null && !status.getContainerStatuses().isEmpty()) {
      var cs = status.getContainerStatuses().get(0);
      restarts = cs.getRestartCount() == null ? 0 : cs.getRestartCount();
      if (cs.getState() != null && cs.getState().getWaiting() != null) {
        state = cs.getState().getWaiting().getReason();
      }
    }
    return List.of(
        "  " + p.getMetadata().getName(),
        ready ? "1/1" : "0/1",
        state,
        String.valueOf(restarts),
        status == null || status.getPodIP() == null ? "" : status.getPodIP(),
        p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName());
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(GenericKubernetesResource r, String path) {
    Optional<Object> v = QuorumClusters.at(r, path);
    if (v.isPresent() && v.get() instanceof List<?> l) {
      return l.stream().filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).toList();
    }
    return List.of();
  }

  private static String conditionLine(GenericKubernetesResource qc) {
    List<String> parts = new ArrayList<>();
    for (Map<String, Object> c : list(qc, "status.conditions")) {
      String type = str(c.get("type"));
      String status = str(c.get("status"));
      if ("Ready".equals(type) || "True".equals(status)) {
        parts.add(type + "=" + status + " (" + str(c.get("message")) + ")");
      }
    }
    return parts.isEmpty() ? "no conditions yet" : String.join(", ", parts);
  }

  private static String str(Object o) {
    return o == null ? "" : String.valueOf(o);
  }

  static String age(Object timestamp) {
    if (timestamp == null) {
      return "";
    }
    try {
      Duration d = Duration.between(Instant.parse(String.valueOf(timestamp)), Instant.now());
      long s = Math.max(0, d.getSeconds());
      if (s < 120) {
        return s + "s";
      }
      if (s < 7200) {
        return (s / 60) + "m";
      }
      return (s / 3600) + "h";
    } catch (RuntimeException e) {
      return String.valueOf(timestamp);
    }
  }

  static String table(List<List<String>> rows) {
    int cols = rows.stream().mapToInt(List::size).max().orElse(0);
    int[] width = new int[cols];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(width[i] - row.get(i).length() + 3));
        }
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
