package io.quorumkeeper.operator.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.api.v1alpha1.spec.PodTemplate;
import io.quorumkeeper.operator.api.v1alpha1.spec.Transport;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A pool's StatefulSet: quorum-node pods with stable names, a volume each, and the contract env.
 */
public final class StatefulSetModel {

  public static final String CONTAINER = "quorum-node";
  public static final String DATA_VOLUME = "data";
  static final String DATA_MOUNT = "/var/lib/quorum";
  static final String CONFIG_MOUNT = "/etc/quorum/config";
  static final String SECRET_MOUNT = "/etc/quorum/secret";
  static final String TLS_VOLUME = "tls";
  public static final String CONFIG_VOLUME = "config";
  static final String REPLICATION_PORT_NAME = "replication";
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .build();

  private StatefulSetModel() {}

  /**
   * A pool's StatefulSet; on a TLS cluster with the {@code <cluster>-tls} Secret mounted and the
   * certificates revision on the pod template, so that renewed certificates roll the pods.
   */
  public static StatefulSet render(
      QuorumCluster cr,
      Pool pool,
      String configHash,
      ModelSettings settings,
      Transport transport,
      String certificates,
      List<ClientListener> clients) {
    boolean tls = transport == Transport.TLS;
    PodTemplate template = cr.getSpec().getTemplate();
    Map<String, String> podLabels = new TreeMap<>();
    Map<String, String> podAnnotations = new TreeMap<>();
    if (template != null && template.getLabels() != null) {
      podLabels.putAll(template.getLabels());
    }
    if (template != null && template.getAnnotations() != null) {
      podAnnotations.putAll(template.getAnnotations());
    }
    podLabels.putAll(Labels.pool(pool)); // the operator's labels win: pods are selected by them
    podAnnotations.put(Labels.CONFIG_HASH, configHash);
    if (tls && certificates != null) {
      podAnnotations.put(Labels.CERTIFICATES, certificates);
    }
    Map<String, String> crAnnotations = cr.getMetadata().getAnnotations();
    if (crAnnotations != null && crAnnotations.get(Labels.RESTART) != null) {
      podAnnotations.put(Labels.RESTART, crAnnotations.get(Labels.RESTART));
    }
    boolean deleteClaims = pool.storage().isDeleteClaim();
    StatefulSet set =
        new StatefulSetBuilder()
            .withMetadata(Owner.meta(cr, pool.name(), Labels.pool(pool)))
            .withNewSpec()
            .withReplicas(pool.replicas())
            .withServiceName(pool.name())
            // Controllers must all start together to elect a first leader; ordered start would wait
            // for pod 0 to be ready, which needs a quorum.
            .withPodManagementPolicy("Parallel")
            .withNewSelector()
            .withMatchLabels(Labels.poolSelector(pool))
            .endSelector()
            // The operator restarts pods itself, one at a time in a quorum- and ISR-safe order
            // (RollPlanner); Kubernetes never replaces a pod on a template change.
            .withNewUpdateStrategy()
            .withType("OnDelete")
            .endUpdateStrategy()
            .withNewPersistentVolumeClaimRetentionPolicy()
            .withWhenDeleted(deleteClaims ? "Delete" : "Retain")
            .withWhenScaled("Retain")
            .endPersistentVolumeClaimRetentionPolicy()
            .withNewTemplate()
            .withNewMetadata()
            .withLabels(podLabels)
            .withAnnotations(podAnnotations)
            .endMetadata()
            .withSpec(podSpec(cr, pool, configHash, template, settings, tls, clients))
            .endTemplate()
            .withVolumeClaimTemplates(claim(pool))
            .endSpec()
            .build();
    podAnnotations.put(Labels.TEMPLATE_HASH, templateHash(set));
    set.getSpec().getTemplate().getMetadata().setAnnotations(podAnnotations);
    return set;
  }

  /**
   * The pool's two ConfigMaps in one directory: the immutable server.properties of this config
   * hash, so that the pod reads this very config at every container start until the roll replaces
   * it, and the mutable bootstrap.properties, which reaches every pod at once.
   */
  static Volume configVolume(Pool pool, String configHash) {
    return new VolumeBuilder()
        .withName(CONFIG_VOLUME)
        .withNewProjected()
        .addNewSource()
        .withNewConfigMap()
        .withName(pool.configMapName(ConfigMapModel.nameHash(configHash)))
        .endConfigMap()
        .endSource()
        .addNewSource()
        .withNewConfigMap()
        .withName(pool.bootstrapConfigMapName())
        .endConfigMap()
        .endSource()
        .endProjected()
        .build();
  }

  /** The ConfigMaps a pod (or pod template) mounts as its {@code config} volume. */
  public static List<String> configMapsOf(PodSpec spec) {
    List<String> names = new ArrayList<>();
    if (spec == null || spec.getVolumes() == null) {
      return names;
    }
    for (Volume volume : spec.getVolumes()) {
      if (!CONFIG_VOLUME.equals(volume.getName())) {
        continue;
      }
      if (volume.getConfigMap() != null) {
        names.add(volume.getConfigMap().getName()); // pods of the legacy fixed-name ConfigMap
      }
      if (volume.getProjected() != null && volume.getProjected().getSources() != null) {
        volume.getProjected().getSources().stream()
            .filter(source -> source.getConfigMap() != null)
            .forEach(source -> names.add(source.getConfigMap().getName()));
      }
    }
    return names;
  }

  /** The pod template's {@code config} volume: the pool's ConfigMaps. */
  public static Volume configVolume(StatefulSet set) {
    return configVolume(set.getSpec().getTemplate().getSpec());
  }

  /** A pod's (or pod template's) {@code config} volume. */
  public static Volume configVolume(PodSpec spec) {
    return spec.getVolumes().stream()
        .filter(v -> CONFIG_VOLUME.equals(v.getName()))
        .findFirst()
        .orElseThrow();
  }

  /** SHA-256 of the pod template as rendered (without its own hash): image, resources, config. */
  public static String templateHash(StatefulSet set) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(JSON.writeValueAsBytes(set.getSpec().getTemplate()));
      return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a pod template is always JSON", e);
    }
  }

  private static PodSpec podSpec(
      QuorumCluster cr,
      Pool pool,
      String configHash,
      PodTemplate template,
      ModelSettings settings,
      boolean tls,
      List<ClientListener> clients) {
    PodSpecBuilder spec =
        new PodSpecBuilder()
            .withContainers(container(cr, pool, settings, tls, clients))
            .withTerminationGracePeriodSeconds(120L)
            // The node never calls the Kubernetes API: no token in the pod.
            .withAutomountServiceAccountToken(false)
            .withSecurityContext(PodSecurity.pod())
            .addToVolumes(configVolume(pool, configHash))
            .addNewVolume()
            .withName("agent-token")
            .withNewSecret()
            .withSecretName(SecretModel.name(pool.cluster()))
            .withDefaultMode(0440)
            .endSecret()
            .endVolume()
            .addToVolumes(PodSecurity.tmpVolume());
    if (tls) {
      spec.addNewVolume()
          .withName(TLS_VOLUME)
          .withNewSecret()
          .withSecretName(TlsSecretModel.tlsName(pool.cluster()))
          .withDefaultMode(0440)
          .endSecret()
          .endVolume();
    }
    if (template != null) {
      spec.withAffinity(template.getAffinity())
          .withTolerations(template.getTolerations())
          .withTopologySpreadConstraints(template.getTopologySpreadConstraints())
          .withImagePullSecrets(pullSecrets(template));
    }
    return spec.build();
  }

  private static List<LocalObjectReference> pullSecrets(PodTemplate template) {
    return template.getImagePullSecrets() == null
        ? null
        : template.getImagePullSecrets().stream()
            .map(secret -> new LocalObjectReference(secret.getName()))
            .toList();
  }

  private static Container container(
      QuorumCluster cr,
      Pool pool,
      ModelSettings settings,
      boolean tls,
      List<ClientListener> clients) {
    ContainerBuilder container =
        new ContainerBuilder()
            .withName(CONTAINER)
            .withImage(settings.image(cr.getSpec().getKafka().getVersion()))
            .withImagePullPolicy(settings.imagePullPolicy())
            .withEnv(env(pool, tls))
            .withPorts(containerPorts(pool, tls, clients))
            .withResources(pool.resources())
            // Readiness from the first second, every second: a pod waiting 10 s for its first probe
            // (and 5 s between probes) made every create and every roll step wait on the kubelet,
            // not on Kafka (issue 15). Five misses (5 s) outlast an election, so a leader change
            // does not take the pods out of their Services. A node that is not ready holds each
            // probe's answer up to READY_WAIT_MS and answers the moment it is ready, within the
            // probe's 1 s timeout: readiness is seen when it happens, not up to a period later.
            .withReadinessProbe(
                probe(READINESS_PATH, 0, 1, 5, tls).toBuilder().withTimeoutSeconds(1).build())
            .withLivenessProbe(probe("/v1/healthz", 60, 10, 6, tls));
    if (tls) {
      container
          .addNewVolumeMount()
          .withName(TLS_VOLUME)
          .withMountPath(TlsSecretModel.MOUNT)
          .withReadOnly(true)
          .endVolumeMount();
    }
    return container
        .addNewVolumeMount()
        .withName(DATA_VOLUME)
        .withMountPath(DATA_MOUNT)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName(CONFIG_VOLUME)
        .withMountPath(CONFIG_MOUNT)
        .withReadOnly(true)
        .endVolumeMount()
        .addNewVolumeMount()
        .withName("agent-token")
        .withMountPath(SECRET_MOUNT)
        .withReadOnly(true)
        .endVolumeMount()
        .addToVolumeMounts(PodSecurity.tmpMount())
        .withSecurityContext(PodSecurity.container())
        .build();
  }

  /** The environment docs/node-contract.md promises the launcher. */
  static List<EnvVar> env(Pool pool, boolean tls) {
    List<EnvVar> env = new ArrayList<>();
    env.add(fieldRef("POD_NAME", "metadata.name"));
    env.add(fieldRef("POD_NAMESPACE", "metadata.namespace"));
    env.add(fieldRef("POD_IP", "status.podIP"));
    env.add(value("QK_POD_HOST", "$(POD_NAME)." + pool.name() + ".$(POD_NAMESPACE).svc"));
    env.add(value("QK_CONFIG_DIR", CONFIG_MOUNT));
    env.add(value("QK_DATA_DIR", DATA_MOUNT + "/data"));
    env.add(value("QK_TOKEN_FILE", SECRET_MOUNT + "/" + SecretModel.TOKEN_KEY));
    if (tls) {
      env.add(value("QK_TLS_DIR", TlsSecretModel.MOUNT));
    }
    return env;
  }

  private static EnvVar fieldRef(String name, String path) {
    return new EnvVarBuilder()
        .withName(name)
        .withNewValueFrom()
        .withNewFieldRef()
        .withFieldPath(path)
        .endFieldRef()
        .endValueFrom()
        .build();
  }

  private static EnvVar value(String name, String value) {
    return new EnvVarBuilder().withName(name).withValue(value).build();
  }

  private static List<ContainerPort> containerPorts(
      Pool pool, boolean tls, List<ClientListener> clients) {
    List<ContainerPort> ports = new ArrayList<>();
    if (pool.kind().hasBrokerRole()) {
      clients.forEach(l -> ports.add(containerPort(l.portName(), l.port())));
      if (tls) {
        ports.add(containerPort(REPLICATION_PORT_NAME, Pool.REPLICATION_PORT));
      }
    }
    if (pool.kind().hasControllerRole()) {
      ports.add(containerPort("controller", Pool.CONTROLLER_PORT));
    }
    ports.add(containerPort("agent", Pool.AGENT_PORT));
    return ports;
  }

  private static ContainerPort containerPort(String name, int port) {
    return new ContainerPortBuilder()
        .withName(name)
        .withContainerPort(port)
        .withProtocol("TCP")
        .build();
  }

  /**
   * How long a readiness probe lets a node that is not ready hold its answer: the probe's 1 s
   * timeout less room for a loaded node's TLS handshake and reply (docs/quorum-node.md, "The
   * agent"; ADR 020).
   */
  static final int READY_WAIT_MS = 800;

  static final String READINESS_PATH = "/v1/readyz?waitMs=" + READY_WAIT_MS;

  /** On a TLS cluster the agent serves HTTPS; the kubelet does not verify its certificate. */
  private static Probe probe(String path, int initialDelay, int period, int failures, boolean tls) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withNewPort("agent")
        .withScheme(tls ? "HTTPS" : null)
        .endHttpGet()
        .withInitialDelaySeconds(initialDelay)
        .withPeriodSeconds(period)
        .withFailureThreshold(failures)
        .build();
  }

  private static PersistentVolumeClaim claim(Pool pool) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName(DATA_VOLUME)
        .withLabels(Labels.poolSelector(pool))
        .endMetadata()
        .withNewSpec()
        .withAccessModes("ReadWriteOnce")
        .withStorageClassName(pool.storage().getStorageClassName())
        .withNewResources()
        .withRequests(Map.of("storage", new Quantity(pool.storage().getSize())))
        .endResources()
        .endSpec()
        .build();
  }
}
