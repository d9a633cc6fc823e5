package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
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

/**
 * The RBAC users install, read from deploy/rbac.yaml: the ClusterRole (everything the operator does
 * in the clusters' namespaces) and the Role (the leader Lease, in the operator's own namespace).
 */
public final class DeployRbac {

  /** The namespace deploy/kustomization.yaml installs into, where the Role and the Lease live. */
  public static final String OPERATOR_NAMESPACE = "quorum-keeper";

  private static final Path FILE = Path.of("../deploy/rbac.yaml");

  private DeployRbac() {}

  public static ClusterRole clusterRole() {
    return first(ClusterRole.class);
  }

  public static Role role() {
    return first(Role.class);
  }

  /** What the operator may do in its own namespace: the ClusterRole's rules and the Role's. */
  public static List<PolicyRule> operatorNamespaceRules() {
    return java.util.stream.Stream.concat(
            clusterRole().getRules().stream(), role().getRules().stream())
        .toList();
  }

  private static <T> T first(Class<T> kind) {
    try {
      return Arrays.stream(Files.readString(FILE).split("(?m)^---$"))
          .filter(doc -> !doc.isBlank())
          .map(doc -> Serialization.unmarshal(doc, HasMetadata.class))
          .filter(kind::isInstance)
          .map(kind::cast)
          .findFirst()
          .orElseThrow(() -> new AssertionError(FILE + " has no " + kind.getSimpleName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
