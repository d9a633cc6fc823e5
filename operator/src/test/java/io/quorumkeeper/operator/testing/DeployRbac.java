package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The RBAC users install, read from the files under deploy/ (DeployManifestsTest checks that
 * kustomize renders them as they are): the cluster-wide ClusterRole of deploy/rbac.yaml; the
 * namespaced install's Role per watched namespace and its ClusterRole for Nodes; and the Role for
 * the leader Lease, in the operator's own namespace, that both share.
 */
public final class DeployRbac {

  /** The namespace both installs put the operator in, where the Lease and its Role live. */
  public static final String OPERATOR_NAMESPACE = "quorum-keeper";

  private static final Path DEPLOY = Path.of("../deploy");

  private DeployRbac() {}

  /** The cluster-wide install: everything, in every namespace. */
  public static ClusterRole clusterRole() {
    return first(DEPLOY.resolve("rbac.yaml"), ClusterRole.class);
  }

  /** The leader Lease's Role, in the operator's namespace (both installs). */
  public static Role role() {
    return first(DEPLOY.resolve("base/leader-election.yaml"), Role.class);
  }

  /** The namespaced install's Role, bound in each watched namespace. */
  public static Role namespacedRole() {
    return first(DEPLOY.resolve("namespaced/role/role.yaml"), Role.class);
  }

  /** The namespaced install's ClusterRole: what no Role can grant. */
  public static ClusterRole namespacedClusterRole() {
    return first(DEPLOY.resolve("namespaced/cluster-reader.yaml"), ClusterRole.class);
  }

  /** QUORUMKEEPER_WATCH_NAMESPACES as the namespaced install sets it. */
  public static Set<String> watchedNamespaces() {
    Deployment patch = first(DEPLOY.resolve("namespaced/watch-namespaces.yaml"), Deployment.class);
    String value =
        patch.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> e.getName().equals("QUORUMKEEPER_WATCH_NAMESPACES"))
            .findFirst()
            .orElseThrow()
            .getValue();
    return Set.of(value.split(","));
  }

  /** What the operator may do in its own namespace: the ClusterRole's rules and the Role's. */
  public static List<PolicyRule> operatorNamespaceRules() {
    return Stream.concat(clusterRole().getRules().stream(), role().getRules().stream()).toList();
  }

  private static <T> T first(Path file, Class<T> kind) {
    try {
      return Arrays.stream(Files.readString(file).split("(?m)^---$"))
          .filter(doc -> !doc.isBlank())
          .map(doc -> Serialization.unmarshal(doc, HasMetadata.class))
          .filter(kind::isInstance)
          .map(kind::cast)
          .findFirst()
          .orElseThrow(() -> new AssertionError(file + " has no " + kind.getSimpleName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
