package io.quorumkeeper.operator.testing;

import static io.quorumkeeper.operator.testing.ApiHarness.NAMESPACE;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The kinds a QuorumCluster owns, and a fingerprint of all of them to prove nothing changed. */
public final class OwnedObjects {

  public static final List<Class<? extends HasMetadata>> KINDS =
      List.of(
          ConfigMap.class,
          Service.class,
          PodDisruptionBudget.class,
          StatefulSet.class,
          Secret.class,
          NetworkPolicy.class);

  private OwnedObjects() {}

  /** "Kind/name" to resourceVersion of every object of an owned kind in the test namespace. */
  public static Map<String, String> resourceVersions(KubernetesClient client) {
    Map<String, String> versions = new TreeMap<>();
    for (Class<? extends HasMetadata> kind : KINDS) {
      client
          .resources(kind)
          .inNamespace(NAMESPACE)
          .list()
          .getItems()
          .forEach(
              o ->
                  versions.put(
                      o.getKind() + "/" + o.getMetadata().getName(),
                      o.getMetadata().getResourceVersion()));
    }
    return versions;
  }
}
