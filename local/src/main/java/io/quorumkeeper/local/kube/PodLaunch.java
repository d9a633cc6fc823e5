package io.quorumkeeper.local.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a kubelet makes of a pod spec, on this machine: volumes become directories (a PVC one that
 * outlives the pod, ConfigMaps (projected ones too) and Secrets files written at each container
 * start, from the names in the pod spec: a restarted container reads what its pod mounts), the
 * environment is resolved (downward API field references, {@code $(VAR)} expansion) and paths under
 * a mount point are translated to the directory behind it. The container image is not run: every
 * pod runs the quorum-node launcher from the build, which is what the image holds.
 */
public final class PodLaunch {

  private static final Pattern VAR_REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private final RuntimeLayout layout;

  public PodLaunch(RuntimeLayout layout) {
    this.layout = layout;
  }

  /** The local directory behind each mount of the pod's first container, keyed by mount path. */
  Map<String, Path> prepareVolumes(KubernetesClient client, Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    Map<String, Path> byVolume = new LinkedHashMap<>();
    for (Volume volume : pod.getSpec().getVolumes()) {
      Path dir;
      if (volume.getPersistentVolumeClaim() != null) {
        dir = layout.claimDir(ns, volume.getPersistentVolumeClaim().getClaimName());
        createDirectories(dir);
      } else if (volume.getConfigMap() != null) {
        dir = layout.podDir(ns, name).resolve("volumes").resolve(volume.getName());
        Map<String, byte[]> files = new LinkedHashMap<>();
        configMapFiles(client, ns, volume.getConfigMap().getName(), files);
        writeFiles(dir, files);
      } else if (volume.getProjected() != null) {
        // ConfigMap sources only (what the operator projects): their keys in one directory
        dir = layout.podDir(ns, name).resolve("volumes").resolve(volume.getName());
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (VolumeProjection source : volume.getProjected().getSources()) {
          if (source.getConfigMap() != null) {
            configMapFiles(client, ns, source.getConfigMap().getName(), files);
          }
        }
        writeFiles(dir, files);
      } else if (volume.getSecret() != null) {
        dir = layout.podDir(ns, name).resolve("volumes").resolve(volume.getName());
        Secret secret =
            client.secrets().inNamespace(ns).withName(volume.getSecret().getSecretName()).get();
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (secret != null && secret.getData() != null) {
          secret.getData().forEach((k, v) -> files.put(k, Base64.getDecoder().decode(v)));
        }
        if (secret != null && secret.getStringData() != null) {
          secret
              .getStringData()
              .forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
        }
        writeFiles(dir, files);
      } else {
        dir = layout.podDir(ns, name).resolve("volumes").resolve(volume.getName());
        createDirectories(dir);
      }
      byVolume.put(volume.getName(), dir);
    }
    Map<String, Path> byMountPath = new LinkedHashMap<>();
    for (VolumeMount mount : container(pod).getVolumeMounts()) {
      Path dir = byVolume.get(mount.getName());
      if (dir != null) {
        if (mount.getSubPath() != null && !mount.getSubPath().isEmpty()) {
          dir = dir.resolve(mount.getSubPath());
        }
        byMountPath.put(mount.getMountPath(), dir);
      }
    }
    return byMountPath;
  }

  /** The keys of ConfigMap {@code name} as files, read at each container start like a kubelet. */
  private static void configMapFiles(
      KubernetesClient client, String ns, String name, Map<String, byte[]> files) {
    ConfigMap cm = client.configMaps().inNamespace(ns).withName(name).get();
    if (cm != null && cm.getData() != null) {
      cm.getData().forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
  }

  /** The container's environment as the process gets it. */
  static Map<String, String> environment(Pod pod, String podIp, Map<String, Path> mounts) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar var : container(pod).getEnv()) {
      String value;
      if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
        value = fieldRef(pod, podIp, var.getValueFrom().getFieldRef().getFieldPath());
      } else {
        value = expand(var.getValue() == null ? "" : var.getValue(), env);
      }
      env.put(var.getName(), translate(value, mounts));
    }
    return env;
  }

  static Container container(Pod pod) {
    return pod.getSpec().getContainers().get(0);
  }

  private static String fieldRef(Pod pod, String podIp, String path) {
    return switch (path) {
      case "metadata.name" -> pod.getMetadata().getName();
      case "metadata.namespace" -> pod.getMetadata().getNamespace();
      case "metadata.uid" -> pod.getMetadata().getUid();
      case "status.podIP", "status.hostIP" -> podIp;
      case "spec.nodeName" -> pod.getSpec().getNodeName();
      case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
      default -> "";
    };
  }

  /**
   * Kubernetes' {@code $(VAR)} expansion: defined variables are replaced, others left as written.
   */
  static String expand(String value, Map<String, String> defined) {
    Matcher m = VAR_REF.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = defined.getOrDefault(m.group(1), m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** A value that is a path under a mount point becomes the same path under its directory. */
  static String translate(String value, Map<String, Path> mounts) {
    List<String> points = new ArrayList<>(mounts.keySet());
    points.sort(Comparator.comparingInt(String::length).reversed());
    for (String point : points) {
      if (value.equals(point)) {
        return mounts.get(point).toString();
      }
      if (value.startsWith(point + "/")) {
        return mounts.get(point).resolve(value.substring(point.length() + 1)).toString();
      }
    }
    return value;
  }

  private static void writeFiles(Path dir, Map<String, byte[]> files) {
    createDirectories(dir);
    try {
      try (var existing = Files.list(dir)) {
        for (Path p : existing.toList()) {
          if (!files.containsKey(p.getFileName().toString())) {
            Files.deleteIfExists(p);
          }
        }
      }
      for (Map.Entry<String, byte[]> f : files.entrySet()) {
        Files.write(dir.resolve(f.getKey()), f.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write volume files in " + dir, e);
    }
  }

  static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }
}
