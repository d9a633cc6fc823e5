package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stand-in for Kubernetes' StatefulSet controller, enough for quorum-node pools: pods {@code
 * <set>-<ordinal>} (Parallel), a PVC per claim template and pod that outlives the pod, scale up and
 * down, a rolling update one pod at a time in reverse ordinal order when the template changes, and
 * the status (replicas, ready, current/updated, observedGeneration) the operator reads.
 */
public final class StatefulSetController {

  public static final String POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
  public static final String REVISION_LABEL = "controller-revision-hash";
  private static final Logger LOG = LoggerFactory.getLogger(StatefulSetController.class);

  private final KubernetesClient client;
  private final KubernetesSerialization serialization;
  private final Predicate<Pod> podReady;

  public StatefulSetController(KubernetesClient client, Predicate<Pod> podReady) {
    this.client = client;
    this.serialization = client.getKubernetesSerialization();
    this.podReady = podReady;
  }

  /** One pass over every StatefulSet, given the current pods and claims. */
  public void sync(List<StatefulSet> sets, List<Pod> pods, List<PersistentVolumeClaim> claims) {
    for (StatefulSet set : sets) {
      if (set.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      try {
        sync(set, owned(set, pods), claims);
      } catch (KubernetesClientException e) {
        LOG.debug("statefulset {}: {}", set.getMetadata().getName(), e.getMessage());
      }
    }
  }

  private static List<Pod> owned(StatefulSet set, List<Pod> pods) {
    return pods.stream()
        .filter(
            p -> Objects.equals(p.getMetadata().getNamespace(), set.getMetadata().getNamespace()))
        .filter(
            p ->
                p.getMetadata().getOwnerReferences().stream()
                    .anyMatch(o -> set.getMetadata().getUid().equals(o.getUid())))
        .toList();
  }

  private void sync(StatefulSet set, List<Pod> pods, List<PersistentVolumeClaim> claims) {
    String ns = set.getMetadata().getNamespace();
    String name = set.getMetadata().getName();
    int replicas = set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
    String revision = revision(set);
    Map<Integer, Pod> byOrdinal = new TreeMap<>();
    for (Pod pod : pods) {
      ordinal(name, pod.getMetadata().getName()).ifPresent(o -> byOrdinal.put(o, pod));
    }
    for (int ordinal = 0; ordinal < replicas; ordinal++) {
      String podName = name + "-" + ordinal;
      ensureClaims(set, podName, claims);
      if (!byOrdinal.containsKey(ordinal)) {
        client.pods().inNamespace(ns).resource(newPod(set, podName, ordinal, revision)).create();
        LOG.info("statefulset {}/{}: created pod {}", ns, name, podName);
      }
    }
    for (Map.Entry<Integer, Pod> e : byOrdinal.entrySet()) {
      if (e.getKey() >= replicas && e.getValue().getMetadata().getDeletionTimestamp() == null) {
        client.pods().inNamespace(ns).withName(e.getValue().getMetadata().getName()).delete();
        LOG.info(
            "statefulset {}/{}: scaled down, deleted pod {}",
            ns,
            name,
            e.getValue().getMetadata().getName());
        deleteClaimsOnScaleDown(set, e.getValue().getMetadata().getName());
      }
    }
    rollOne(set, byOrdinal, replicas, revision);
    writeStatus(set, byOrdinal, replicas, revision);
  }

  /** RollingUpdate: replace the highest outdated pod, only while every other pod is ready. */
  private void rollOne(
      StatefulSet set, Map<Integer, Pod> byOrdinal, int replicas, String revision) {
    if (set.getSpec().getUpdateStrategy() != null
        && "OnDelete".equals(set.getSpec().getUpdateStrategy().getType())) {
      return;
    }
    List<Pod> current = new ArrayList<>();
    for (int i = 0; i < replicas; i++) {
      Pod pod = byOrdinal.get(i);
      if (pod == null || !podReady.test(pod)) {
        return;
      }
      current.add(pod);
    }
    for (int i = current.size() - 1; i >= 0; i--) {
      Pod pod = current.get(i);
      if (!revision.equals(pod.getMetadata().getLabels().get(REVISION_LABEL))) {
        LOG.info(
            "statefulset {}/{}: rolling pod {} to revision {}",
            set.getMetadata().getNamespace(),
            set.getMetadata().getName(),
            pod.getMetadata().getName(),
            revision);
        client.resource(pod).delete();
        return;
      }
    }
  }

  private void writeStatus(
      StatefulSet set, Map<Integer, Pod> byOrdinal, int replicas, String revision) {
    int existing = 0;
    int ready = 0;
    int updated = 0;
    for (Pod pod : byOrdinal.values()) {
      if (pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      existing++;
      if (podReady.test(pod)) {
        ready++;
      }
      if (revision.equals(pod.getMetadata().getLabels().get(REVISION_LABEL))) {
        updated++;
      }
    }
    StatefulSetStatus status =
        new StatefulSetStatusBuilder()
            .withObservedGeneration(set.getMetadata().getGeneration())
            .withReplicas(existing)
            .withReadyReplicas(ready)
            .withAvailableReplicas(ready)
            .withCurrentReplicas(updated)
            .withUpdatedReplicas(updated)
            .withCurrentRevision(
                updated == existing
                    ? set.getMetadata().getName() + "-" + revision
                    : currentRevision(set))
            .withUpdateRevision(set.getMetadata().getName() + "-" + revision)
            .withCollisionCount(0)
            .build();
    if (Objects.equals(status, set.getStatus())) {
      return;
    }
    StatefulSet copy = serialization.clone(set);
    copy.setStatus(status);
    try {
      client.resource(copy).updateStatus();
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      } // a newer version exists: the next pass writes again
    }
  }

  private static String currentRevision(StatefulSet set) {
    return set.getStatus() == null || set.getStatus().getCurrentRevision() == null
        ? set.getMetadata().getName() + "-" + revision(set)
        : set.getStatus().getCurrentRevision();
  }

  private void ensureClaims(StatefulSet set, String podName, List<PersistentVolumeClaim> claims) {
    String ns = set.getMetadata().getNamespace();
    for (PersistentVolumeClaim template : set.getSpec().getVolumeClaimTemplates()) {
      String claimName = template.getMetadata().getName() + "-" + podName;
      boolean exists =
          claims.stream()
              .anyMatch(
                  c ->
                      ns.equals(c.getMetadata().getNamespace())
                          && claimName.equals(c.getMetadata().getName()));
      if (exists) {
        continue;
      }
      PersistentVolumeClaimBuilder claim =
          new PersistentVolumeClaimBuilder()
              .withNewMetadata()
              .withName(claimName)
              .withNamespace(ns)
              .withLabels(template.getMetadata().getLabels())
              .endMetadata()
              .withSpec(template.getSpec())
              .withNewStatus()
              .withPhase("Bound")
              .endStatus();
      if (deleteClaimsWith(set, "whenDeleted")) {
        claim.editMetadata().withOwnerReferences(ownerRef(set)).endMetadata();
      }
      try {
        client.persistentVolumeClaims().inNamespace(ns).resource(claim.build()).create();
        LOG.info("statefulset {}/{}: created claim {}", ns, set.getMetadata().getName(), claimName);
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
  }

  private void deleteClaimsOnScaleDown(StatefulSet set, String podName) {
    if (!deleteClaimsWith(set, "whenScaled")) {
      return;
    }
    for (PersistentVolumeClaim template : set.getSpec().getVolumeClaimTemplates()) {
      client
          .persistentVolumeClaims()
          .inNamespace(set.getMetadata().getNamespace())
          .withName(template.getMetadata().getName() + "-" + podName)
          .delete();
    }
  }

  private static boolean deleteClaimsWith(StatefulSet set, String when) {
    var policy = set.getSpec().getPersistentVolumeClaimRetentionPolicy();
    if (policy == null) {
      return false;
    }
    String value = "whenDeleted".equals(when) ? policy.getWhenDeleted() : policy.getWhenScaled();
    return "Delete".equals(value);
  }

  private Pod newPod(StatefulSet set, String podName, int ordinal, String revision) {
    var template = serialization.clone(set.getSpec().getTemplate());
    Map<String, String> labels = new TreeMap<>();
    if (template.getMetadata() != null && template.getMetadata().getLabels() != null) {
      labels.putAll(template.getMetadata().getLabels());
    }
    labels.put(POD_NAME_LABEL, podName);
    labels.put(REVISION_LABEL, revision);
    labels.put("apps.kubernetes.io/pod-index", String.valueOf(ordinal));
    PodSpec spec = template.getSpec();
    spec.setHostname(podName);
    spec.setSubdomain(set.getSpec().getServiceName());
    spec.setNodeName(Nodes.nodeFor(set.getMetadata().getNamespace(), podName));
    for (PersistentVolumeClaim claim : set.getSpec().getVolumeClaimTemplates()) {
      spec.getVolumes()
          .add(
              new VolumeBuilder()
                  .withName(claim.getMetadata().getName())
                  .withNewPersistentVolumeClaim()
                  .withClaimName(claim.getMetadata().getName() + "-" + podName)
                  .endPersistentVolumeClaim()
                  .build());
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName(podName)
        .withNamespace(set.getMetadata().getNamespace())
        .withLabels(labels)
        .withAnnotations(
            template.getMetadata() == null ? null : template.getMetadata().getAnnotations())
        .withOwnerReferences(ownerRef(set))
        .endMetadata()
        .withSpec(spec)
        .withNewStatus()
        .withPhase("Pending")
        .endStatus()
        .build();
  }

  private static OwnerReference ownerRef(HasMetadata owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  static Optional<Integer> ordinal(String setName, String podName) {
    if (!podName.startsWith(setName + "-")) {
      return Optional.empty();
    }
    try {
      return Optional.of(Integer.parseInt(podName.substring(setName.length() + 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  static String revision(StatefulSet set) {
    try {
      byte[] json =
          new KubernetesSerialization()
              .asJson(set.getSpec().getTemplate())
              .getBytes(StandardCharsets.UTF_8);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(json);
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
