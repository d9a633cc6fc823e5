package io.quorumkeeper.operator.model;

import static io.quorumkeeper.operator.model.KubernetesNames.shown;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.quorumkeeper.operator.api.v1alpha1.QuorumClusterSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.ControllersSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.PoolSpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.SecuritySpec;
import io.quorumkeeper.operator.api.v1alpha1.spec.Topology;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks what the CRD schema cannot (reserved Kafka keys, supported versions) and repeats the
 * schema's rules, so a cluster whose API server skipped CEL still gets a readable answer. Sizing
 * below the Kafka docs' recommendation is a warning, never a rejection.
 */
public final class SpecValidator {

  /** Kafka's docs recommend a heap of at least 1 GiB; with off-heap and page cache, 2 GiB. */
  static final BigDecimal RECOMMENDED_MEMORY = new Quantity("2Gi").getNumericalAmount();

  static final BigDecimal RECOMMENDED_CPU = new Quantity("1").getNumericalAmount();

  /** Below this, ordinary pauses would pass for a dead voter. */
  static final Duration MIN_UNREACHABLE_AFTER = Duration.ofSeconds(5);

  static final Duration MAX_UNREACHABLE_AFTER = Duration.ofDays(7);

  /** Pod labels the operator selects and identifies pods by. */
  static final Set<String> OPERATOR_LABEL_KEYS =
      Set.of(
          Labels.CLUSTER,
          Labels.POOL,
          Labels.BROKER_ROLE,
          Labels.CONTROLLER_ROLE,
          Labels.MANAGED_BY,
          "app.kubernetes.io/name",
          "app.kubernetes.io/instance",
          "app.kubernetes.io/component");

  /**
   * The largest spec taken, as JSON: the operator keeps a copy of the accepted one in status, so
   * the object holds it twice, and a larger spec would make every status write fail long before
   * Kubernetes' limit on an object (about 1.5 MiB) is the only bound. No real cluster's spec comes
   * near (the examples take about 1 KiB; kafka.config alone may take 32 KiB).
   */
  static final int MAX_SPEC_BYTES = 64 * 1024;

  private SpecValidator() {}

  /** How each warning about the stored spec (written by the reconciler) begins. */
  public static final String LAST_ACCEPTED_SPEC_PREFIX = "status.lastAcceptedSpec ";

  /** What is wrong with a spec (errors) and what is merely unwise (warnings). */
  public record Result(List<String> errors, List<String> warnings) {
    public boolean valid() {
      return errors.isEmpty();
    }

    /**
     * The Warning condition's reason: a Plaintext transport outranks an anonymous listener, which
     * outranks what the operator does not follow of {@code status.lastAcceptedSpec}, which outranks
     * sizing.
     */
    public String warningReason() {
      if (warnings.contains(ListenerRules.PLAINTEXT_WARNING)) {
        return "PlaintextTransport";
      }
      if (warnings.stream().anyMatch(w -> w.startsWith(ListenerRules.ANONYMOUS_PREFIX))) {
        return "AnonymousListener";
      }
      return warnings.stream().anyMatch(w -> w.startsWith(LAST_ACCEPTED_SPEC_PREFIX))
          ? "LastAcceptedSpecNotFollowed"
          : "BelowRecommendedSizing";
    }
  }

  /** A spec on its own, as the schema sees it on create. */
  public static Result validate(QuorumClusterSpec spec, Set<String> supportedVersions) {
    return validate(null, spec, supportedVersions, Optional.empty());
  }

  /**
   * A cluster's spec: {@code name} is checked when given; {@code running} is the topology the
   * cluster already runs, which the spec may not change.
   */
  public static Result validate(
      String name,
      QuorumClusterSpec spec,
      Set<String> supportedVersions,
      Optional<Topology> running) {
    return validate(name, spec, supportedVersions, running, Optional.empty());
  }

  /**
   * As above; {@code transport} is the transport the cluster was created with (status.bootstrap),
   * which the spec may not change either.
   */
  public static Result validate(
      String name,
      QuorumClusterSpec spec,
      Set<String> supportedVersions,
      Optional<Topology> running,
      Optional<Transport> transport) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    if (spec == null) {
      return new Result(List.of("spec is required"), List.of());
    }
    checkSize(spec, errors);
    if (spec.getTopology() == null) {
      errors.add("spec.topology must be Combined or Separated");
    } else {
      checkName(name, spec.getTopology(), errors);
      checkTopology(spec, running, errors);
    }
    checkVersion(spec, supportedVersions, errors);
    checkTransport(spec, transport, errors);
    Transport inForce = transport.orElse(requested(spec));
    checkConfig(spec, inForce, errors);
    ListenerRules.check(spec, inForce, errors);
    CaRules.check(spec, inForce, errors);
    checkVoters(spec.getControllers(), errors);
    if (spec.getControllers() != null) {
      PodRules.checkPool("controllers", spec.getControllers(), errors);
    }
    if (spec.getBrokers() != null) {
      PodRules.checkPool("brokers", spec.getBrokers(), errors);
    }
    checkHealing(spec, errors);
    PodRules.checkTemplate(spec.getTemplate(), OPERATOR_LABEL_KEYS, errors);
    ListenerRules.warnTransport(inForce, warnings); // what runs, even while this spec is refused
    if (errors.isEmpty()) {
      ListenerRules.warn(spec, inForce, warnings);
      checkSizing("controllers", spec.getControllers(), warnings);
      checkSizing("brokers", spec.getBrokers(), warnings);
    }
    return new Result(List.copyOf(errors), List.copyOf(warnings));
  }

  /**
   * What a spec the operator runs without writing from it (the last accepted one, kept in status,
   * while a newer spec is refused) must hold: the parts observation, healing and rolls read. A
   * topology that matches what runs, pools of a sensible size, an odd voter count within the
   * controllers, a healing policy that parses. Not the rules about what would be written (Kafka
   * keys, listeners, templates, versions): a rule added by a newer operator must not stop healing a
   * cluster whose accepted spec an older one let through.
   */
  public static Result validateRunning(
      String name, QuorumClusterSpec spec, Optional<Topology> running) {
    List<String> errors = new ArrayList<>();
    if (spec == null) {
      return new Result(List.of("spec is required"), List.of());
    }
    if (spec.getTopology() == null) {
      errors.add("spec.topology must be Combined or Separated");
    } else {
      checkName(name, spec.getTopology(), errors);
      checkTopology(spec, running, errors);
    }
    checkVoters(spec.getControllers(), errors);
    if (spec.getControllers() != null) {
      PodRules.checkReplicas("controllers", spec.getControllers(), errors);
    }
    if (spec.getBrokers() != null) {
      PodRules.checkReplicas("brokers", spec.getBrokers(), errors);
    }
    checkHealing(spec, errors);
    return new Result(List.copyOf(errors), List.of());
  }

  private static void checkSize(QuorumClusterSpec spec, List<String> errors) {
    long bytes;
    try {
      bytes = AcceptedSpec.write(spec).getBytes(StandardCharsets.UTF_8).length;
    } catch (RuntimeException e) {
      errors.add("spec cannot be written as JSON: " + shown(e.getMessage()));
      return;
    }
    if (bytes > MAX_SPEC_BYTES) {
      errors.add(
          "spec takes "
              + bytes
              + " bytes as JSON; at most "
              + MAX_SPEC_BYTES
              + ": the operator keeps a copy of the accepted spec in status, and the object must"
              + " stay small enough for the API server and its watches");
    }
  }

  /**
   * Pool names become Service names (DNS-1035 labels), and a StatefulSet's name must leave room for
   * the revision hash Kubernetes appends in a 63-character label.
   */
  private static void checkName(String name, Topology topology, List<String> errors) {
    if (name == null) {
      return;
    }
    int max =
        KubernetesNames.MAX_STATEFULSET_NAME
            - ClusterModel.poolKinds(topology).stream()
                .mapToInt(k -> k.suffix().length() + 1)
                .max()
                .orElse(0);
    if (!KubernetesNames.isDns1035Label(name)) {
      errors.add(
          "metadata.name "
              + shown(name)
              + " must start with a lower-case letter and hold only lower-case letters, digits"
              + " and '-': it names Services and pods");
    } else if (name.length() > max) {
      errors.add(
          "metadata.name is "
              + name.length()
              + " characters; a "
              + topology
              + " cluster's name may have at most "
              + max
              + " so that its StatefulSets' names fit Kubernetes' label limit");
    }
  }

  private static void checkVersion(
      QuorumClusterSpec spec, Set<String> supported, List<String> errors) {
    String version = spec.getKafka() == null ? null : spec.getKafka().getVersion();
    if (version == null || !supported.contains(version)) { // an immutable set throws on null
      errors.add(
          "kafka.version "
              + shown(version)
              + " is not supported; supported versions: "
              + String.join(", ", supported.stream().sorted().toList()));
    }
  }

  /** The transport a spec asks for: TLS unless it says Plaintext. */
  public static Transport requested(QuorumClusterSpec spec) {
    SecuritySpec security = spec.getSecurity();
    return security == null || security.getTransport() == null
        ? Transport.TLS
        : security.getTransport();
  }

  private static void checkTransport(
      QuorumClusterSpec spec, Optional<Transport> running, List<String> errors) {
    SecuritySpec security = spec.getSecurity();
    Transport asked = security == null ? null : security.getTransport();
    if (asked != null && running.isPresent() && running.get() != asked) {
      errors.add(SecuritySpec.TRANSPORT_IMMUTABLE + " (it runs " + running.get() + ")");
    }
  }

  private static void checkConfig(
      QuorumClusterSpec spec, Transport transport, List<String> errors) {
    Map<String, String> config = spec.getKafka() == null ? null : spec.getKafka().getConfig();
    if (config == null) {
      return;
    }
    List<String> malformed = new ArrayList<>();
    List<String> reserved = new ArrayList<>();
    List<String> reservedForTls = new ArrayList<>();
    List<String> quorumAccess = new ArrayList<>();
    List<String> providers = new ArrayList<>();
    List<String> nullValues = new ArrayList<>();
    config.forEach(
        (key, value) -> {
          if (!KafkaConfig.isWellFormedKey(key)) {
            malformed.add(shown(key));
          } else if (KafkaConfig.isReserved(key)) {
            reserved.add(key);
          } else if (KafkaConfig.isQuorumAccess(key)) {
            quorumAccess.add(key);
          } else if (KafkaConfig.isConfigProvider(key)) {
            providers.add(key);
          } else if (transport == Transport.TLS && KafkaConfig.isReservedForTls(key)) {
            reservedForTls.add(key);
          } else if (value == null) {
            nullValues.add(key);
          }
        });
    if (!malformed.isEmpty()) {
      errors.add(
          "kafka.config keys must be Kafka property names (letters, digits, '.', '_' and '-'): "
              + String.join(", ", malformed.stream().sorted().toList()));
    }
    if (!reserved.isEmpty()) {
      errors.add(
          "kafka.config sets "
              + String.join(", ", reserved.stream().sorted().toList())
              + ", which the operator owns (node ids, roles, listeners, quorum membership and log"
              + " directories); remove "
              + (reserved.size() == 1 ? "it" : "them"));
    }
    if (!quorumAccess.isEmpty()) {
      errors.add(
          "kafka.config sets "
              + String.join(", ", quorumAccess.stream().sorted().toList())
              + ", which decide whether the nodes' own votes and fetches get through"
              + " (authorization, principals, connection and request limits) and could lose the"
              + " quorum when the leader restarts; the operator owns them, remove "
              + (quorumAccess.size() == 1 ? "it" : "them"));
    }
    if (!providers.isEmpty()) {
      errors.add(
          "kafka.config sets "
              + String.join(", ", providers.stream().sorted().toList())
              + ": config providers replace a value by a file's content, every pod mounts the"
              + " cluster's TLS keys and the agent token, and values such as broker.rack reach"
              + " every client; remove "
              + (providers.size() == 1 ? "it" : "them"));
    }
    if (!reservedForTls.isEmpty()) {
      errors.add(
          "kafka.config sets "
              + String.join(", ", reservedForTls.stream().sorted().toList())
              + ", which the operator owns on a TLS cluster (ssl.*, sasl.*, listener.name.*:"
              + " its nodes' mutual TLS, see docs/security.md); remove "
              + (reservedForTls.size() == 1 ? "it" : "them"));
    }
    if (!nullValues.isEmpty()) {
      errors.add(
          "kafka.config values must be strings: "
              + String.join(", ", nullValues.stream().sorted().toList())
              + " has none");
    }
    if (malformed.isEmpty() && nullValues.isEmpty()) {
      errors.addAll(MetadataLogBounds.check(config));
      errors.addAll(RaftChannelBounds.check(config));
      String reporters = config.get("metric.reporters");
      if (reporters != null
          && java.util.Arrays.stream(reporters.split(","))
              .map(String::strip)
              .noneMatch(KafkaConfig.JMX_REPORTER::equals)) {
        errors.add(
            "kafka.config metric.reporters must keep "
                + KafkaConfig.JMX_REPORTER
                + ": the agent reads the raft metrics over JMX to say whether a controller is"
                + " ready, and without it every restarted controller stays not ready and a roll"
                + " stops at the first; add it to the list");
      }
      int size = KafkaConfig.renderedSize(config);
      if (size > KafkaConfig.MAX_USER_CONFIG_BYTES) {
        errors.add(
            "kafka.config renders to "
                + size
                + " bytes; at most "
                + KafkaConfig.MAX_USER_CONFIG_BYTES
                + " fit the pool's ConfigMap");
      }
    }
  }

  private static void checkTopology(
      QuorumClusterSpec spec, Optional<Topology> running, List<String> errors) {
    if (running.isPresent() && running.get() != spec.getTopology()) {
      errors.add(QuorumClusterSpec.TOPOLOGY_IMMUTABLE + " (it runs " + running.get() + ")");
    }
    if (spec.getTopology() == Topology.Combined && spec.getBrokers() != null) {
      errors.add(QuorumClusterSpec.BROKERS_ONLY_SEPARATED);
    }
    if (spec.getTopology() == Topology.Separated && spec.getBrokers() == null) {
      errors.add(QuorumClusterSpec.SEPARATED_NEEDS_BROKERS);
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
    if (voters < 1 || voters > ControllersSpec.MAX_VOTERS) {
      errors.add(ControllersSpec.VOTERS_RANGE);
    } else if (voters % 2 == 0) {
      errors.add(ControllersSpec.VOTERS_ODD);
    }
    if (voters > controllers.getReplicas()) {
      errors.add(ControllersSpec.VOTERS_WITHIN_REPLICAS);
    }
  }

  private static void checkHealing(QuorumClusterSpec spec, List<String> errors) {
    if (spec.getHealing() == null) {
      errors.add("spec.healing must not be null");
      return;
    }
    if (spec.getHealing().getMode() == null) {
      errors.add("healing.mode must be Auto or ReportOnly");
    }
    String after = spec.getHealing().getUnreachableAfter();
    try {
      Duration d = Durations.parse(after);
      if (d.compareTo(MIN_UNREACHABLE_AFTER) < 0 || d.compareTo(MAX_UNREACHABLE_AFTER) > 0) {
        errors.add(
            "healing.unreachableAfter "
                + shown(after)
                + " must be between 5s (a shorter silence is an ordinary pause: a garbage"
                + " collection, a restart) and 168h");
      }
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
