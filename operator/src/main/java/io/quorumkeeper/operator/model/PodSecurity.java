package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;

/**
 * What makes a quorum-node pod meet the Pod Security "restricted" profile: a non-root uid (the
 * image's {@code USER 1000:1000}), the runtime's default seccomp profile, no privilege escalation,
 * no capabilities, and a read-only root filesystem. The node writes only to its data volume and to
 * {@code /tmp}: the launcher's rendered server.properties ({@code QK_WORK_DIR} defaults to {@code
 * java.io.tmpdir}), the JVM's perf data and the native libraries Kafka's compression codecs unpack;
 * logs go to stdout.
 */
final class PodSecurity {

  /** The image's user and group (quorum-node/image/Dockerfile); fsGroup makes the PVC theirs. */
  static final long NODE_ID = 1000L;

  static final String TMP_VOLUME = "tmp";
  static final String TMP_MOUNT = "/tmp";

  /** Room for the codecs' native libraries and the JVM's perf data, with a wide margin. */
  private static final String TMP_SIZE_LIMIT = "128Mi";

  private PodSecurity() {}

  static PodSecurityContext pod() {
    return new PodSecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(NODE_ID)
        .withRunAsGroup(NODE_ID)
        .withFsGroup(NODE_ID)
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  static SecurityContext container() {
    return new SecurityContextBuilder()
        .withAllowPrivilegeEscalation(false)
        .withReadOnlyRootFilesystem(true)
        .withRunAsNonRoot(true)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .build();
  }

  static Volume tmpVolume() {
    return new VolumeBuilder()
        .withName(TMP_VOLUME)
        .withNewEmptyDir()
        .withSizeLimit(new Quantity(TMP_SIZE_LIMIT))
        .endEmptyDir()
        .build();
  }

  static VolumeMount tmpMount() {
    return new VolumeMountBuilder().withName(TMP_VOLUME).withMountPath(TMP_MOUNT).build();
  }
}
