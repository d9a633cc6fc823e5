package io.quorumkeeper.local.bench;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.quorumkeeper.local.LocalRuntime;
import io.quorumkeeper.local.api.QuorumClusters;
import io.quorumkeeper.local.kube.Kubelet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the roll benchmark and the E2E tests of rolling restarts share: the change that starts a
 * roll, the pods' identities before it, and when it is over.
 */
public final class Rolls {

  private static final String POD_START = "=== quorum-keeper local: start of pod ";

  private Rolls() {}

  /**
   * Applies {@code example} with {@code spec.kafka.config[key] = value}: a rendered-config change.
   */
  @SuppressWarnings("unchecked")
  public static void applyWithKafkaConfig(
      LocalRuntime runtime, Path example, String key, String value) {
    GenericKubernetesResource qc = runtime.files().read(example).get(0);
    Map<String, Object> spec = (Map<String, Object>) qc.getAdditionalProperties().get("spec");
    Map<String, Object> kafka = (Map<String, Object>) spec.get("kafka");
    Map<String, Object> config = (Map<String, Object>) kafka.get("config");
    Map<String, Object> changed = config == null ? new TreeMap<>() : new TreeMap<>(config);
    changed.put(key, value);
    kafka.put("config", changed);
    runtime.apply(List.of(qc));
  }

  /** Applies the example with {@code spec.kafka.version} set to {@code version}. */
  public static void applyWithKafkaVersion(LocalRuntime runtime, Path example, String version) {
    applyWithKafka(runtime, example, Map.of("version", version));
  }

  /** Applies the example with these fields of {@code spec.kafka} set ({@code version}, ...). */
  @SuppressWarnings("unchecked")
  public static void applyWithKafka(LocalRuntime runtime, Path example, Map<String, ?> fields) {
    GenericKubernetesResource qc = runtime.files().read(example).get(0);
    Map<String, Object> spec = (Map<String, Object>) qc.getAdditionalProperties().get("spec");
    ((Map<String, Object>) spec.get("kafka")).putAll(fields);
    runtime.apply(List.of(qc));
  }

  /** Pod name → uid of the cluster's pods. */
  public static Map<String, String> podUids(LocalRuntime runtime, String cluster) {
    Map<String, String> uids = new TreeMap<>();
    for (Pod p : pods(runtime, cluster)) {
      uids.put(p.getMetadata().getName(), p.getMetadata().getUid());
    }
    return uids;
  }

  private static List<Pod> pods(LocalRuntime runtime, String cluster) {
    return runtime.client().pods().inNamespace("default").list().getItems().stream()
        .filter(p -> p.getMetadata().getName().startsWith(cluster + "-"))
        .toList();
  }

  /**
   * Whether the roll that started after {@code before} is over: every pod of {@code before} was
   * re-created (another uid) and is Ready, no restart is recorded in {@code status.roll}, {@code
   * Progressing} is False and {@code Ready} True.
   */
  public static boolean rolled(LocalRuntime runtime, String cluster, Map<String, String> before) {
    List<Pod> pods = pods(runtime, cluster);
    boolean allNewAndReady =
        before.entrySet().stream()
            .allMatch(
                e ->
                    pods.stream()
                        .anyMatch(
                            p ->
                                p.getMetadata().getName().equals(e.getKey())
                                    && !p.getMetadata().getUid().equals(e.getValue())
                                    && Kubelet.isReady(p)));
    GenericKubernetesResource qc =
        QuorumClusters.of(runtime.client()).inNamespace("default").withName(cluster).get();
    return allNewAndReady
        && qc != null
        && restarting(qc).isEmpty()
        && QuorumClusters.condition(qc, "Progressing").filter("False"::equals).isPresent()
        && QuorumClusters.condition(qc, "Ready").filter("True"::equals).isPresent();
  }

  /** The pod whose restart {@code status.roll} records, if any. */
  public static Optional<String> restarting(GenericKubernetesResource qc) {
    return QuorumClusters.at(qc, "status.roll.pod").map(String::valueOf);
  }

  /** How often the runtime has started a process for {@code pod} (its log says each start). */
  public static long starts(LocalRuntime runtime, String pod) {
    Path log = runtime.layout().podLog("default", pod);
    if (!Files.exists(log)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(l -> l.startsWith(POD_START)).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
