package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The legacy discovery documents a real API server serves ({@code /version}, {@code /api}, {@code
 * /api/v1}, {@code /apis}, {@code /apis/GROUP/VERSION}), for the kinds the local runtime stores and
 * the CRD in {@code crds/}: kubectl maps {@code qc}, {@code sts} or {@code po} to a resource only
 * through these. The aggregated formats are not served; kubectl falls back to these.
 */
final class Discovery {

  static final String VERSION = "v1.32.0-quorum-keeper-local";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

  /** A resource as discovery lists it; {@code group} is empty for the core group. */
  record Resource(
      String group,
      String version,
      String plural,
      String singular,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      List<String> subresources) {

    String groupVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }
  }

  private final List<Resource> resources;

  Discovery(ServedCrd crd) {
    List<Resource> all = new ArrayList<>(builtIns());
    all.add(
        new Resource(
            crd.group(),
            crd.version(),
            crd.plural(),
            crd.singular(),
            crd.kind(),
            crd.namespaced(),
            crd.shortNames(),
            crd.categories(),
            crd.subresources()));
    this.resources = List.copyOf(all);
  }

  /**
   * The built-in kinds the runtime stores: group/version, plural, kind, scope, names, subresources.
   */
  private static List<Resource> builtIns() {
    return List.of(
        builtIn("v1", "pods", "Pod", true, "po", "all", "status,eviction"),
        builtIn("v1", "services", "Service", true, "svc", "all", "status"),
        builtIn("v1", "configmaps", "ConfigMap", true, "cm", "", ""),
        builtIn("v1", "secrets", "Secret", true, "", "", ""),
        builtIn("v1", "events", "Event", true, "ev", "", ""),
        builtIn("v1", "persistentvolumeclaims", "PersistentVolumeClaim", true, "pvc", "", "status"),
        builtIn("v1", "namespaces", "Namespace", false, "ns", "", "status"),
        builtIn("v1", "nodes", "Node", false, "no", "", "status"),
        builtIn("apps/v1", "statefulsets", "StatefulSet", true, "sts", "all", "status,scale"),
        builtIn(
            "policy/v1", "poddisruptionbudgets", "PodDisruptionBudget", true, "pdb", "", "status"),
        builtIn("networking.k8s.io/v1", "networkpolicies", "NetworkPolicy", true, "netpol", "", ""),
        builtIn("coordination.k8s.io/v1", "leases", "Lease", true, "", "", ""),
        builtIn(
            "apiextensions.k8s.io/v1",
            "customresourcedefinitions",
            "CustomResourceDefinition",
            false,
            "crd,crds",
            "api-extensions",
            "status"));
  }

  /** One built-in resource; the lists are comma-separated, empty for none. */
  private static Resource builtIn(
      String groupVersion,
      String plural,
      String kind,
      boolean namespaced,
      String shortNames,
      String categories,
      String subresources) {
    int slash = groupVersion.indexOf('/');
    return new Resource(
        slash < 0 ? "" : groupVersion.substring(0, slash),
        groupVersion.substring(slash + 1),
        plural,
        kind.toLowerCase(Locale.ROOT),
        kind,
        namespaced,
        names(shortNames),
        names(categories),
        names(subresources));
  }

  private static List<String> names(String commaSeparated) {
    return commaSeparated.isEmpty() ? List.of() : List.of(commaSeparated.split(","));
  }

  /** The resource a path's plural names in a group version, if discovery lists it. */
  Optional<Resource> resource(String groupVersion, String plural) {
    return resources.stream()
        .filter(r -> r.groupVersion().equals(groupVersion) && r.plural().equals(plural))
        .findFirst();
  }

  /** The document for a discovery path, or empty when {@code path} is not one. */
  Optional<String> document(String path, String serverAddress) {
    String p =
        path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    if ("/version".equals(p)) {
      return Optional.of(version());
    }
    if ("/api".equals(p)) {
      ObjectNode doc = typed("APIVersions", null);
      doc.putArray("versions").add("v1");
      doc.putArray("serverAddressByClientCIDRs")
          .addObject()
          .put("clientCIDR", "0.0.0.0/0")
          .put("serverAddress", serverAddress);
      return Optional.of(doc.toString());
    }
    if ("/apis".equals(p)) {
      return Optional.of(groups());
    }
    String groupVersion =
        p.startsWith("/api/") ? p.substring(5) : p.startsWith("/apis/") ? p.substring(6) : "";
    boolean served = resources.stream().anyMatch(r -> r.groupVersion().equals(groupVersion));
    if (!served || groupVersion.equals("v1") != p.startsWith("/api/")) {
      return Optional.empty();
    }
    return Optional.of(resourceList(groupVersion));
  }

  private static String version() {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("major", "1")
        .put("minor", "32")
        .put("gitVersion", VERSION)
        .put("gitCommit", "")
        .put("gitTreeState", "clean")
        .put("buildDate", "2026-01-01T00:00:00Z")
        .put("goVersion", "")
        .put("compiler", "")
        .put("platform", "linux/amd64");
    return doc.toString();
  }

  private String groups() {
    Map<String, List<String>> versions = new LinkedHashMap<>();
    resources.stream()
        .filter(r -> !r.group().isEmpty())
        .forEach(r -> versions.computeIfAbsent(r.group(), g -> new ArrayList<>()).add(r.version()));
    ObjectNode doc = typed("APIGroupList", null);
    ArrayNode groups = doc.putArray("groups");
    versions.forEach(
        (group, vs) -> {
          ObjectNode g = groups.addObject().put("name", group);
          ArrayNode list = g.putArray("versions");
          vs.stream()
              .distinct()
              .forEach(
                  v -> list.addObject().put("groupVersion", group + "/" + v).put("version", v));
          g.putObject("preferredVersion")
              .put("groupVersion", group + "/" + vs.get(0))
              .put("version", vs.get(0));
        });
    return doc.toString();
  }

  private String resourceList(String groupVersion) {
    ObjectNode doc = typed("APIResourceList", "v1");
    doc.put("groupVersion", groupVersion);
    ArrayNode list = doc.putArray("resources");
    for (Resource r : resources) {
      if (!r.groupVersion().equals(groupVersion)) {
        continue;
      }
      ObjectNode entry =
          list.addObject()
              .put("name", r.plural())
              .put("singularName", r.singular())
              .put("namespaced", r.namespaced())
              .put("kind", r.kind());
      VERBS.forEach(entry.putArray("verbs")::add);
      if (!r.shortNames().isEmpty()) {
        r.shortNames().forEach(entry.putArray("shortNames")::add);
      }
      if (!r.categories().isEmpty()) {
        r.categories().forEach(entry.putArray("categories")::add);
      }
      for (String sub : r.subresources()) {
        ObjectNode s =
            list.addObject()
                .put("name", r.plural() + "/" + sub)
                .put("singularName", "")
                .put("namespaced", r.namespaced());
        switch (sub) {
          case "scale" -> s.put("kind", "Scale").put("group", "autoscaling").put("version", "v1");
          // kubectl drain evicts (and so honours PodDisruptionBudgets) only where this is listed
          case "eviction" -> s.put("kind", "Eviction").put("group", "policy").put("version", "v1");
          default -> s.put("kind", r.kind());
        }
        (sub.equals("eviction") ? List.of("create") : List.of("get", "patch", "update"))
            .forEach(s.putArray("verbs")::add);
      }
    }
    return doc.toString();
  }

  private static ObjectNode typed(String kind, String apiVersion) {
    ObjectNode doc = JSON.createObjectNode().put("kind", kind);
    doc.put("apiVersion", apiVersion == null ? "v1" : apiVersion);
    return doc;
  }
}
