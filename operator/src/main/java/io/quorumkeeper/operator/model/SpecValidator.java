package io.quorumkeeper.operator.model;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.ControllersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.PoolSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks what the CRD schema cannot (reserved Kafka keys, supported versions) and repeats the
 * schema's rules, so a cluster whose API server skipped CEL still gets a readable answer. Sizing
 * below the Kafka docs' recommendation is a warning, never a rejection.
 */
public final class SpecValidator {

  /** Kafka's docs recommend a heap of at least 1 GiB; with off-heap and page cache, 2 GiB. */
  static final BigDecimal RECOMMENDED_MEMORY = new Quantity("2Gi").getNumericalAmount();

  static final BigDecimal RECOMMENDED_CPU = new Quantity("1").getNumericalAmount();

  private SpecValidator() {}

  /** What is wrong with a spec (errors) and what is merely unwise (warnings). */
  public record Result(List<String> errors, List<String> warnings) {
    public boolean valid() {
      return errors.isEmpty();
    }
  }

  public static Result validate(QuorumClusterSpec spec, Set<String> supportedVersions) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    checkVersion(spec, supportedVersions, errors);
    checkConfig(spec, errors);
    checkTopology(spec, errors);
    checkVoters(spec.getControllers(), errors);
    checkHealing(spec, errors);
    checkSizing("controllers", spec.getControllers(), warnings);
    if (spec.getBrokers() != null) {
      checkSizing("brokers", spec.getBrokers(), warnings);
    }
    return new Result(List.copyOf(errors), List.copyOf(warnings));
  }

  private static void checkVersion(
      QuorumClusterSpec spec, Set<String> supported, List<String> errors) {
    String version = spec.getKafka().getVersion();
    if (!supported.contains(version)) {
      errors.add(
          "kafka.version "
              + version
              + " is not supported; supported versions: "
              + String.join(", ", supported.stream().sorted().toList()));
    }
  }

  private static void checkConfig(QuorumClusterSpec spec, List<String> errors) {
    Map<String, String> config = spec.getKafka().getConfig();
    if (config == null) {
      return;
    }
    List<String> reserved =
        new TreeMap<>(config).keySet().stream().filter(KafkaConfig::isReserved).toList();
    if (!reserved.isEmpty()) {
      errors.add(
          "kafka.config sets "
              + String.join(", ", reserved)
              + ", which the operator owns (node ids, roles, listeners, quorum membership and log"
              + " directories); remove "
              + (reserved.size() == 1 ? "it" : "them"));
    }
  }

  private static void checkTopology(QuorumClusterSpec spec, List<String> errors) {
    if (spec.getTopology() == Topology.Combined && spec.getBrokers() != null) {
      errors.add("spec.brokers can only be set with topology Separated");
    }
    if (spec.getTopology() == Topology.Separated && spec.getBrokers() == null) {
      errors.add("topology Separated needs a broker pool: set spec.brokers.replicas");
    }
  }

  private static void checkVoters(ControllersSpec controllers, List<String> errors) {
    if (controllers == null) {
      errors.add("spec.controllers is required");
      return;
    }
    Integer voters = controllers.getVoters();
    if (voters == null) {
      return;
    }
    if (voters < 1 || voters > ControllersSpec.MAX_VOTERS || voters % 2 == 0) {
      errors.add("controllers.voters must be odd and between 1 and 9, not " + voters);
    }
    if (voters > controllers.getReplicas()) {
      errors.add(
          "controllers.voters ("
              + voters
              + ") cannot exceed controllers.replicas ("
              + controllers.getReplicas()
              + ")");
    }
  }

  private static void checkHealing(QuorumClusterSpec spec, List<String> errors) {
    String after = spec.getHealing() == null ? null : spec.getHealing().getUnreachableAfter();
    if (after == null) {
      return;
    }
    try {
      Durations.parse(after);
    } catch (IllegalArgumentException e) {
      errors.add("healing.unreachableAfter: " + e.getMessage());
    }
  }

  private static void checkSizing(String pool, PoolSpec spec, List<String> warnings) {
    if (spec == null) {
      return;
    }
    ResourceRequirements resources = spec.getResources();
    Quantity memory = request(resources, "memory");
    Quantity cpu = request(resources, "cpu");
    if (memory == null || memory.getNumericalAmount().compareTo(RECOMMENDED_MEMORY) < 0) {
      warnings.add(
          pool
              + " request "
              + (memory == null ? "no memory" : memory + " memory")
              + "; Kafka's docs recommend at least a 1 GiB heap, so 2Gi per pod");
    }
    if (cpu == null || cpu.getNumericalAmount().compareTo(RECOMMENDED_CPU) < 0) {
      warnings.add(
          pool
              + " request "
              + (cpu == null ? "no CPU" : cpu + " CPU")
              + "; Kafka's docs recommend a dedicated CPU per pod");
    }
  }

  private static Quantity request(ResourceRequirements resources, String name) {
    if (resources == null || resources.getRequests() == null) {
      return null;
    }
    return resources.getRequests().get(name);
  }
}
