package io.quorumkeeper.operator.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.reconciler.Constants;
import io.javaoperatorsdk.operator.processing.Controller;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quorumkeeper.crds.PodEvictions;
import io.quorumkeeper.operator.api.v1alpha1.QuorumCluster;
import io.quorumkeeper.operator.config.JosdkSettings;
import io.quorumkeeper.operator.config.OperatorSettings;
import io.quorumkeeper.operator.model.StatefulSetModel;
import io.quorumkeeper.operator.observe.QuorumMetrics;
import io.quorumkeeper.operator.reconcile.QuorumClusterReconciler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The operator in-process against Fabric8's mock Kubernetes API in CRUD mode, with the generated
 * CRD registered (so status is a subresource) and every API call recorded. The operator can be
 * stopped and started again against the same API, as after a crash.
 */
public final class ApiHarness implements AutoCloseable {

  public static final String NAMESPACE = "kafka";

  /** The user agent of the operator's own client, telling its calls apart from the test's. */
  public static final String OPERATOR_AGENT = "quorum-keeper-operator";

  public static final Path CRD = Path.of("target/crd/quorumclusters.quorumkeeper.io-v1.yml");

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final KubernetesClient operatorClient;
  private final ReconcileCounter reconciles = new ReconcileCounter();
  private final FakeQuorumClient quorum = new FakeQuorumClient(Clock.systemUTC());
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private Clock clock = Clock.systemUTC();
  private OperatorSettings settings = SETTINGS;

  /** Observation every 200 ms and a 1 s stranded-pod grace, so changes show up fast in tests. */
  public static final OperatorSettings SETTINGS =
      OperatorSettings.defaults()
          .withObservation(
              new OperatorSettings.Observation(
                  Duration.ofMillis(200),
                  Duration.ofSeconds(1),
                  2,
                  Duration.ofSeconds(2),
                  Duration.ofSeconds(30)))
          .withHealing(new OperatorSettings.HealingSettings(Duration.ofSeconds(1)));

  private final List<ApiCall> calls = new ArrayList<>();
  private final Dispatcher dispatcher = new Dispatcher();
  private Set<String> watched = Constants.DEFAULT_NAMESPACES_SET;
  private Operator operator;

  /**
   * The CRUD API plus three things: a DELETE honours a UID precondition as a real API server does
   * (409 when the object under that name is another one), a pod's eviction honours its
   * PodDisruptionBudget ({@link PodEvictions}), and the test can have the API refuse an operator
   * request once.
   */
  private static final class Dispatcher extends KubernetesCrudDispatcher {

    /**
     * Refuse the operator's next {@code method} whose path contains {@code path} and body {@code
     * body}.
     */
    record Refusal(String method, String path, String body) {}

    final List<Refusal> refusals = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final NameIndexedObjects objects = NameIndexedObjects.installIn(this);

    /** The stored objects, as an eviction reads and deletes them. */
    private final PodEvictions.Store evictionStore =
        new PodEvictions.Store(
            path -> {
              MockResponse found = handleGet(path);
              return found.code() == 200 ? found.getBody().readUtf8() : null;
            },
            path -> handleDelete(path).code());

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
      return NameIndexedObjects.named(attributes)
          ? objects.find(attributes)
          : super.findResource(attributes);
    }

    /** A named read (not a watch) from the index; lists and watches as the mock does them. */
    @Override
    public MockResponse handleGet(String path) {
      AttributeSet query = getKey(path);
      if (path.contains("watch=true") || !NameIndexedObjects.named(query)) {
        return super.handleGet(path);
      }
      Map.Entry<AttributeSet, String> found = objects.find(query);
      return found == null
          ? new MockResponse().setResponseCode(404)
          : new MockResponse().setResponseCode(200).setBody(found.getValue());
    }

    /** Path prefixes of API groups not installed: 404, as for a CRD that is not there. */
    final Set<String> notInstalled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      if (notInstalled.stream().anyMatch(request.getPath()::startsWith)) {
        return status(404, "NotFound", "the server could not find the requested resource");
      }
      String body =
          request.getBody() == null ? "" : new String(request.getBody().getBytes(), UTF_8);
      for (Refusal r : refusals) {
        if (r.method().equals(request.getMethod())
            && request.getPath().contains(r.path())
            && body.contains(r.body())
            && OPERATOR_AGENT.equals(request.getHeader("User-Agent"))
            && refusals.remove(r)) {
          return status(500, "InternalError", "refused once by the test");
        }
      }
      Optional<PodEvictions.Answer> eviction =
          PodEvictions.answer(
              request.getMethod(),
              request.getPath(),
              () -> body,
              evictionStore,
              java.time.Instant.now());
      if (eviction.isPresent()) {
        return new MockResponse()
            .setResponseCode(eviction.get().code())
            .setBody(eviction.get().body());
      }
      if ("DELETE".equals(request.getMethod()) && body.contains("\"preconditions\"")) {
        String wanted =
            Serialization.unmarshal(body, DeleteOptions.class).getPreconditions().getUid();
        Optional<ObjectMeta> stored = storedMeta(request.getPath());
        if (wanted != null && stored.isPresent() && !wanted.equals(stored.get().getUid())) {
          return status(409, "Conflict", "Precondition failed: UID in precondition: " + wanted);
        }
      }
      String path = request.getPath().split("\\?", 2)[0];
      if ("PUT".equals(request.getMethod()) && path.endsWith("/status")) {
        // The mock keeps the stored version for a status replace; Kubernetes refuses a stale one.
        String named =
            Serialization.unmarshal(body, GenericKubernetesResource.class)
                .getMetadata()
                .getResourceVersion();
        Optional<ObjectMeta> stored =
            storedMeta(path.substring(0, path.length() - "/status".length()));
        if (named != null
            && stored.isPresent()
            && !named.equals(stored.get().getResourceVersion())) {
          return status(409, "Conflict", "the object has been modified");
        }
      }
      return super.dispatch(request);
    }

    /** The metadata of the object stored at {@code path}, if there is one. */
    private Optional<ObjectMeta> storedMeta(String path) {
      MockResponse stored = handleGet(path);
      return stored.code() == 200
          ? Optional.of(
              Serialization.unmarshal(stored.getBody().readUtf8(), GenericKubernetesResource.class)
                  .getMetadata())
          : Optional.empty();
    }

    private static MockResponse status(int code, String reason, String message) {
      return new MockResponse()
          .setResponseCode(code)
          .setBody(
              "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":"
                  + code
                  + ",\"reason\":\""
                  + reason
                  + "\",\"message\":\""
                  + message
                  + "\"}");
    }
  }

  /**
   * The API refuses (HTTP 500) the operator's next request with this method whose path contains
   * {@code path} and whose body contains {@code body}, once.
   */
  public void refuseOnce(String method, String path, String body) {
    dispatcher.refusals.add(new Dispatcher.Refusal(method, path, body));
  }

  /**
   * Requests whose path starts with {@code pathPrefix} (e.g. {@code /apis/cert-manager.io}) get a
   * 404, as from an API server without that CRD.
   */
  public void notInstalled(String pathPrefix) {
    dispatcher.notInstalled.add(pathPrefix);
  }

  /** Refusals asked for and not yet made. */
  public int pendingRefusals() {
    return dispatcher.refusals.size();
  }

  private ApiHarness() {
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client = server.createClient();
    operatorClient =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(client.getConfiguration()).withUserAgent(OPERATOR_AGENT).build())
            .build();
    client.resource(crd()).create();
  }

  /** A mock API with the CRD installed and the operator running. */
  public static ApiHarness start() {
    return start(Clock.systemUTC());
  }

  /** The same, the operator's time read from {@code clock}. */
  public static ApiHarness start(Clock clock) {
    return start(clock, SETTINGS);
  }

  /** The same, with other operator settings (e.g. a slower observation). */
  public static ApiHarness start(Clock clock, OperatorSettings settings) {
    ApiHarness harness = new ApiHarness();
    harness.clock = clock;
    harness.settings = settings;
    harness.startOperator();
    return harness;
  }

  public static CustomResourceDefinition crd() {
    try {
      return io.fabric8.kubernetes.client.utils.Serialization.unmarshal(
          Files.readString(CRD), CustomResourceDefinition.class);
    } catch (IOException e) {
      throw new UncheckedIOException("the build generates " + CRD + " before the tests", e);
    }
  }

  /**
   * A mock API with the CRD installed and the operator running as the namespace-scoped install runs
   * it: watching {@code namespaces} only (QUORUMKEEPER_WATCH_NAMESPACES).
   */
  public static ApiHarness watching(Set<String> namespaces) {
    ApiHarness harness = new ApiHarness();
    harness.watched = Set.copyOf(namespaces);
    harness.startOperator();
    return harness;
  }

  public void startOperator() {
    reconciles.reset();
    operator =
        new Operator(
            o ->
                JosdkSettings.apply(o)
                    .withKubernetesClient(operatorClient)
                    .withCloseClientOnStop(false)
                    .withMetrics(reconciles)
                    .withReconciliationTerminationTimeout(Duration.ofSeconds(5)));
    operator.register(
        new QuorumClusterReconciler(
            operatorClient, settings, clock, quorum, new QuorumMetrics(meters)),
        o -> o.settingNamespaces(watched));
    operator.start();
  }

  public void stopOperator() {
    operator.stop();
  }

  public KubernetesClient client() {
    return client;
  }

  /** The scripted quorum behind every cluster. */
  public FakeQuorumClient quorum() {
    return quorum;
  }

  /** The operator's metrics. */
  public SimpleMeterRegistry meters() {
    return meters;
  }

  public ReconcileCounter reconciles() {
    return reconciles;
  }

  /** Creates a QuorumCluster from an example file in the namespace, as kubectl apply would. */
  public QuorumCluster create(Path yaml) {
    return client.resource(read(yaml)).create();
  }

  /** A QuorumCluster from a file, in the test namespace, not created yet. */
  public QuorumCluster read(Path yaml) {
    try {
      QuorumCluster cr =
          client
              .getKubernetesSerialization()
              .unmarshal(Files.readString(yaml), QuorumCluster.class);
      cr.getMetadata().setNamespace(NAMESPACE);
      return cr;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Edits a QuorumCluster as {@code kubectl edit} would (annotations map present for the edit). */
  public QuorumCluster edit(String name, java.util.function.Consumer<QuorumCluster> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        return client
            .resources(QuorumCluster.class)
            .inNamespace(NAMESPACE)
            .withName(name)
            .edit(
                cr -> {
                  if (cr.getMetadata().getAnnotations() == null) {
                    cr.getMetadata().setAnnotations(new java.util.HashMap<>());
                  }
                  change.accept(cr);
                  return cr;
                });
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        // The operator wrote status between our read and our write: read again, as kubectl does.
        if (e.getCode() != 409 || attempt == 5) {
          throw e;
        }
      }
    }
  }

  /**
   * The server.properties ConfigMap that the pod template of StatefulSet {@code name} mounts (its
   * name carries the config hash, see ConfigMapModel), or null while either does not exist.
   */
  public io.fabric8.kubernetes.api.model.ConfigMap poolConfigMap(String name) {
    io.fabric8.kubernetes.api.model.apps.StatefulSet set =
        client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
    if (set == null) {
      return null;
    }
    String mounted = StatefulSetModel.configMapsOf(set.getSpec().getTemplate().getSpec()).get(0);
    return client.configMaps().inNamespace(NAMESPACE).withName(mounted).get();
  }

  /** The bootstrap.properties of pool {@code name} (see ConfigMapModel). */
  public String bootstrapProperties(String name) {
    io.fabric8.kubernetes.api.model.ConfigMap map =
        client.configMaps().inNamespace(NAMESPACE).withName(name + "-bootstrap").get();
    return map == null ? null : map.getData().get("bootstrap.properties");
  }

  /**
   * What a StatefulSet controller would report once every pod of {@code name} runs the latest
   * template and is ready: none runs against the mock API.
   */
  public void statefulSetRolledOut(String name, int replicas) {
    io.fabric8.kubernetes.api.model.apps.StatefulSet set =
        client.apps().statefulSets().inNamespace(NAMESPACE).withName(name).get();
    set.setStatus(
        new io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder()
            .withObservedGeneration(set.getMetadata().getGeneration())
            .withReplicas(replicas)
            .withReadyReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .build());
    client.resource(set).updateStatus();
  }

  /**
   * A pod of the cluster as the StatefulSet controller makes it from {@code statefulSet}'s current
   * template (its labels, annotations and spec, the StatefulSet its controller), Pending, with a
   * fresh uid.
   */
  public void createPodFromTemplate(String statefulSet, String pod, String cluster) {
    var set = client.apps().statefulSets().inNamespace(NAMESPACE).withName(statefulSet).get();
    var template = set.getSpec().getTemplate();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata()
                .withName(pod)
                .withNamespace(NAMESPACE)
                .withUid("uid-" + pod + "-" + System.nanoTime())
                .withLabels(new java.util.HashMap<>(template.getMetadata().getLabels()))
                .addToLabels(io.quorumkeeper.operator.model.Labels.CLUSTER, cluster)
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("StatefulSet")
                .withName(statefulSet)
                .withUid(set.getMetadata().getUid())
                .withController(true)
                .endOwnerReference()
                .withAnnotations(new java.util.HashMap<>(template.getMetadata().getAnnotations()))
                .endMetadata()
                .withSpec(template.getSpec())
                .withNewStatus()
                .withPhase("Pending")
                .endStatus()
                .build())
        .create();
  }

  /** The pod Running and Ready, as its kubelet reports it. */
  public void podReady(String pod) {
    podRunning(pod, true);
  }

  /**
   * The pod Running and Ready since {@code since}, as a kubelet reports it: the Ready condition's
   * last transition (it replaces any Ready condition the pod had).
   */
  public void podReadySince(String pod, Instant since) {
    podReadyCondition(pod, "True", since.toString());
  }

  /**
   * The pod's container runs, and its readiness probe passes ({@code ready}) or fails: its one
   * Ready condition says so, as a kubelet keeps one condition of each type.
   */
  public void podRunning(String pod, boolean ready) {
    podReadyCondition(pod, ready ? "True" : "False", null);
  }

  /** The pod Running, its Ready condition replaced by one of this status and transition time. */
  private void podReadyCondition(String pod, String status, String since) {
    client
        .pods()
        .inNamespace(NAMESPACE)
        .withName(pod)
        .editStatus(
            p -> {
              Pod edited =
                  new PodBuilder(p).editOrNewStatus().withPhase("Running").endStatus().build();
              if (edited.getStatus().getConditions() != null) {
                edited.getStatus().getConditions().removeIf(c -> "Ready".equals(c.getType()));
              }
              edited
                  .getStatus()
                  .getConditions()
                  .add(
                      new PodConditionBuilder()
                          .withType("Ready")
                          .withStatus(status)
                          .withLastTransitionTime(since)
                          .build());
              return edited;
            });
  }

  public QuorumCluster get(String name) {
    return client.resources(QuorumCluster.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** Waits until the operator finished at least one pass over {@code name} since its start. */
  public void awaitReconciled(String name) {
    await().atMost(Duration.ofSeconds(30)).until(() -> reconciles.finished(name) > 0);
  }

  /**
   * Starts a pass over {@code name} with a change that means nothing to the operator (an
   * annotation), and waits until a pass that started after it has finished: one that was under way
   * may end first, and would prove nothing about what a new pass does.
   */
  public void awaitAnotherPass(String name) {
    long from = System.nanoTime();
    edit(name, cr -> cr.getMetadata().getAnnotations().put("test.quorumkeeper.io/pass", "" + from));
    await().atMost(Duration.ofSeconds(30)).until(() -> reconciles.finishedStartedAfter(name, from));
  }

  /** Every API call made since the last call of this method. */
  public synchronized List<ApiCall> drainCalls() {
    calls.addAll(ApiCall.takeAll(server));
    List<ApiCall> drained = List.copyOf(calls);
    calls.clear();
    return drained;
  }

  /** The calls the operator made since the last drain (the test's own calls are dropped). */
  public List<ApiCall> drainOperatorCalls() {
    return drainCalls().stream().filter(c -> OPERATOR_AGENT.equals(c.userAgent())).toList();
  }

  /** What the running operator's informer for {@code type} holds, in the test namespace. */
  @SuppressWarnings("unchecked")
  public <R extends HasMetadata> List<R> cached(Class<R> type) {
    Controller<QuorumCluster> controller =
        (Controller<QuorumCluster>)
            operator.getRegisteredController(QuorumClusterReconciler.NAME).orElseThrow();
    InformerEventSource<R, QuorumCluster> informer =
        (InformerEventSource<R, QuorumCluster>)
            controller.getEventSourceManager().getEventSourceFor(type);
    return informer.list(NAMESPACE, o -> true).toList();
  }

  /**
   * What Kubernetes' garbage collector does when an owner is deleted: deletes every object whose
   * owner reference names its uid. The mock API has no garbage collector.
   */
  public void collectGarbageOf(String ownerUid, List<Class<? extends HasMetadata>> kinds) {
    for (Class<? extends HasMetadata> kind : kinds) {
      client.resources(kind).inNamespace(NAMESPACE).list().getItems().stream()
          .filter(
              o ->
                  o.getMetadata().getOwnerReferences().stream()
                      .anyMatch(r -> ownerUid.equals(r.getUid())))
          .forEach(o -> client.resource(o).delete());
    }
  }

  @Override
  public void close() {
    if (operator != null) {
      operator.stop();
    }
    operatorClient.close();
    client.close();
    server.destroy();
  }
}
