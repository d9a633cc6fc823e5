package io.quorumkeeper.operator.testing;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;

/**
 * The Pod Security Standards' "restricted" profile (which includes "baseline"), checked field by
 * field as https://kubernetes.io/docs/concepts/security/pod-security-standards/ defines them, plus
 * the read-only root filesystem this project adds: for the node pods the operator renders and for
 * the operator's own Deployment.
 */
public final class RestrictedProfile {

  private static final Set<String> RESTRICTED_VOLUME_TYPES =
      Set.of(
          "configMap",
          "csi",
          "downwardAPI",
          "emptyDir",
          "ephemeral",
          "persistentVolumeClaim",
          "projected",
          "secret");

  private RestrictedProfile() {}

  public static void check(SoftAssertions softly, String name, PodSpec pod) {
    PodSecurityContext podContext =
        Objects.requireNonNullElseGet(pod.getSecurityContext(), PodSecurityContext::new);
    // baseline: host namespaces, hostPath volumes
    softly.assertThat(pod.getHostNetwork()).as(name + " hostNetwork").isNotEqualTo(true);
    softly.assertThat(pod.getHostPID()).as(name + " hostPID").isNotEqualTo(true);
    softly.assertThat(pod.getHostIPC()).as(name + " hostIPC").isNotEqualTo(true);
    softly.assertThat(podContext.getSysctls()).as(name + " sysctls").isNullOrEmpty();
    // restricted: volume types, non-root, seccomp
    for (Volume volume : pod.getVolumes()) {
      softly
          .assertThat(volumeTypes(volume))
          .as(name + " volume " + volume.getName() + " types")
          .hasSize(1)
          .isSubsetOf(RESTRICTED_VOLUME_TYPES);
    }
    softly.assertThat(podContext.getRunAsNonRoot()).as(name + " pod runAsNonRoot").isTrue();
    softly.assertThat(podContext.getRunAsUser()).as(name + " pod runAsUser").isNotIn(0L);
    softly
        .assertThat(seccompType(podContext.getSeccompProfile()))
        .as(name + " pod seccompProfile")
        .isIn("RuntimeDefault", "Localhost");
    List<Container> containers = new ArrayList<>(pod.getContainers());
    containers.addAll(Objects.requireNonNullElse(pod.getInitContainers(), List.of()));
    for (Container container : containers) {
      checkContainer(softly, name + "/" + container.getName(), container);
    }
  }

  static void checkContainer(SoftAssertions softly, String name, Container container) {
    SecurityContext context =
        Objects.requireNonNullElseGet(container.getSecurityContext(), SecurityContext::new);
    softly.assertThat(context.getPrivileged()).as(name + " privileged").isNotEqualTo(true);
    softly.assertThat(context.getProcMount()).as(name + " procMount").isIn(null, "Default");
    softly.assertThat(context.getWindowsOptions()).as(name + " hostProcess").isNull();
    for (ContainerPort port : container.getPorts()) {
      softly.assertThat(port.getHostPort()).as(name + " hostPort").isIn(null, 0);
    }
    softly.assertThat(context.getAllowPrivilegeEscalation()).as(name + " escalation").isFalse();
    softly.assertThat(context.getRunAsNonRoot()).as(name + " runAsNonRoot").isNotEqualTo(false);
    softly.assertThat(context.getRunAsUser()).as(name + " runAsUser").isNotIn(0L);
    if (context.getSeccompProfile() != null) {
      softly
          .assertThat(seccompType(context.getSeccompProfile()))
          .as(name + " seccompProfile")
          .isIn("RuntimeDefault", "Localhost");
    }
    Capabilities caps = Objects.requireNonNullElseGet(context.getCapabilities(), Capabilities::new);
    softly.assertThat(caps.getDrop()).as(name + " capabilities.drop").contains("ALL");
    softly
        .assertThat(Objects.requireNonNullElse(caps.getAdd(), List.<String>of()))
        .as(name + " capabilities.add")
        .isSubsetOf("NET_BIND_SERVICE");
    // beyond the profile: nothing but the mounted volumes is writable
    softly.assertThat(context.getReadOnlyRootFilesystem()).as(name + " read-only root").isTrue();
  }

  static String seccompType(SeccompProfile profile) {
    return profile == null ? null : profile.getType();
  }

  /** The volume source fields set on a volume, by their names in the Pod API. */
  @SuppressWarnings("unchecked")
  static List<String> volumeTypes(Volume volume) {
    Map<String, Object> fields = Serialization.jsonMapper().convertValue(volume, Map.class);
    return fields.keySet().stream().filter(key -> !key.equals("name")).toList();
  }
}
