package io.quorumkeeper.local.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

  private static List<Resource> builtIns() {
    List<String> all = List.of("all");
    List<String> status = List.of("status");
    return List.of(
        core("pods", "Pod", true, List.of("po"), all, status),
        core("services", "Service", true, List.of("svc"), all, status),
        core("configmaps", "ConfigMap", true, List.of("cm"), List.of(), List.of()),
        core("secrets", "Secret", true, List.of(), List.of(), List.of()),
        core("events", "Event", true, List.of("ev"), List.of(), List.of()),
        core("persistentvolumeclaims", "PersistentVolumeClaim", true, List.of("pvc"), null, status),
        core("namespaces", "Namespace", false, List.of("ns"), List.of(), status),
        core("nodes", "Node", false, List.of("no"), List.of(), status),
        new Resource(
            "apps",
            "v1",
            "statefulsets",
            "statefulset",
            "StatefulSet",
            true,
            List.of("sts"),
            all,
            List.of("status", "scale")),
        new Resource(
            "policy",
            "v1",
            "poddisruptionbudgets",
            "poddisruptionbudget",
            "PodDisruptionBudget",
            true,
            List.of("pdb"),
            List.of(),
            status),
        new Resource(
            "networking.k8s.io",
            "v1",
            "networkpolicies",
            "networkpolicy",
            "NetworkPolicy",
            true,
            List.of("netpol"),
            List.of(),
            List.of()),
        new Resource(
            "coordination.k8s.io",
            "v1",
            "leases",
            "lease",
            "Lease",
            true,
            List.of(),
            List.of(),
            List.of()),
        new Resource(
            "apiextensions.k8s.io",
            "v1",
            "customresourcedefinitions",
            "customresourcedefinition",
            "CustomResourceDefinition",
            false,
            List.of("crd", "crds"),
            List.of("api-extensions"),
            status));
  }

  private static Resource core(
      String plural,
      String kind,
      boolean namespaced,
      List<String> shortNames,
      List<String> categories,
      List<String> subresources) {
    return new Resource(
        "",
        "v1",
        plural,
        kind.toLowerCase(java.util.Locale.ROOT),
        kind,
        namespaced,
        shortNames,
        categories == null ? List.of() : categories,
        subresources);
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
                .put("namespaced", r.namespaced())
                .put("kind", "scale".equals(sub) ? "Scale" : r.kind());
        List.of("get", "patch", "update").forEach(s.putArray("verbs")::add);
        if ("scale".equals(sub)) {
          s.put("group", "autoscaling").put("version", "v1");
        }
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
