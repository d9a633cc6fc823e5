package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One API request in RBAC's terms (verb, API group, resource, and the namespace and name where the
 * request has them), and RBAC's decision whether a rule grants it.
 */
public record ApiAccess(String verb, String group, String resource, String namespace, String name) {

  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/(?<group>[^/]+)/[^/]+)(?:/namespaces/(?<namespace>[^/]+))?/(?<resource>[^/?]+)"
              + "(?:/(?<name>[^/?]+))?(?:/(?<sub>[^/?]+))?(?:\\?(?<query>.*))?$");

  /** The request {@code call} made, as the API server's authorizer sees it. */
  public static ApiAccess of(ApiCall call) {
    Matcher m = PATH.matcher(call.path());
    if (!m.matches()) {
      throw new AssertionError("not an API path: " + call.path());
    }
    String group = m.group("group") == null ? "" : m.group("group");
    String resource = m.group("resource") + (m.group("sub") == null ? "" : "/" + m.group("sub"));
    String name = m.group("name");
    boolean named = name != null;
    boolean watch = m.group("query") != null && m.group("query").contains("watch=true");
    String verb =
        switch (call.method()) {
          case "GET" -> watch ? "watch" : named ? "get" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> named ? "delete" : "deletecollection";
          default -> call.method();
        };
    return new ApiAccess(verb, group, resource, m.group("namespace"), name);
  }

  /** The same request without its object: what a rule without resourceNames decides on. */
  public ApiAccess kind() {
    return new ApiAccess(verb, group, resource, null, null);
  }

  /** As RBAC decides: a rule with resourceNames grants only requests naming one of them. */
  public boolean grantedBy(PolicyRule rule) {
    List<String> names = rule.getResourceNames();
    return rule.getApiGroups().contains(group)
        && rule.getResources().contains(resource)
        && rule.getVerbs().contains(verb)
        && (names == null || names.isEmpty() || names.contains(name));
  }

  public boolean grantedByAny(List<PolicyRule> rules) {
    return rules.stream().anyMatch(this::grantedBy);
  }

  /** Every (verb, group, resource) a rule grants, namespace and name left out. */
  public static Stream<ApiAccess> grantsOf(PolicyRule rule) {
    return rule.getApiGroups().stream()
        .flatMap(
            g ->
                rule.getResources().stream()
                    .flatMap(
                        r ->
                            rule.getVerbs().stream().map(v -> new ApiAccess(v, g, r, null, null))));
  }

  @Override
  public String toString() {
    return verb
        + " "
        + (group.isEmpty() ? "" : group + "/")
        + resource
        + (namespace == null ? "" : " in " + namespace)
        + (name == null ? "" : " " + name);
  }
}
