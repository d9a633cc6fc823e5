package io.quorumkeeper.local.api;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.WebSocket;
import io.quorumkeeper.crds.CelSchemaValidator;
import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded Kubernetes API: Fabric8's mock server in CRUD mode (with watches) on 127.0.0.1, with
 * the QuorumCluster CRD registered so that status is a subresource, and its schema enforced on
 * QuorumCluster writes (defaults, OpenAPI checks, CEL rules; {@link ValidatingDispatcher}), as on a
 * real API server. RBAC self-reviews are answered (see {@link AllowAllRulesReview}). kubectl is
 * served on a second port, in front of the mock ({@link KubectlEndpoint}).
 */
public final class ApiServer implements AutoCloseable {

  /** The mock server logs every request at INFO through java.util.logging; kept referenced. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);

  /**
   * A system property for tests of the operator's own checks: {@code false} makes the API one
   * without CEL, which admits a QuorumCluster that only a CEL rule refuses ({@link
   * ValidatingDispatcher}); read on every write.
   */
  public static final String CEL_RULES = "quorumkeeper.local.celRules";

  /** How long a watch lives before the API ends it and the client watches again (see below). */
  static final long WATCH_LIFETIME_SECONDS = 20;

  private final KubernetesMockServer server;
  private final KubernetesCrudDispatcher dispatcher;
  private final KubernetesClient client;
  private final String url;
  private final ApiRequests requests;
  private KubectlEndpoint kubectl;
  private final ScheduledExecutorService watchTimeouts =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "api-watch-timeouts");
            t.setDaemon(true);
            return t;
          });

  private ApiServer(KubernetesMockServer server, KubernetesCrudDispatcher dispatcher, String url) {
    this.server = server;
    this.dispatcher = dispatcher;
    this.url = url;
    this.requests = new ApiRequests(server);
    this.client =
        new KubernetesClientBuilder().withConfig(clientConfig(url, "quorum-keeper-local")).build();
    watchTimeouts.scheduleWithFixedDelay(
        this::endWatches, WATCH_LIFETIME_SECONDS, WATCH_LIFETIME_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * The event a real API server sends when a watch's resource version is too old: informers answer
   * it with a fresh list, which also drops objects whose deletion a silent watch never delivered.
   */
  private static final String EXPIRED =
      "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
          + "\"status\":\"Failure\",\"reason\":\"Expired\",\"code\":410,"
          + "\"message\":\"too old resource version\"}}";

  /**
   * Ends every open watch, as a real API server ends each watch after its timeout, saying the
   * resource version expired so that clients (the operator's informers) list again rather than
   * resume. The mock server can leave a watch silent after a burst of writes to one object (seen
   * while the operator scales a pool); an informer behind a silent watch keeps a stale cache, and
   * resuming a watch does not bring back the events it missed (a deleted QuorumCluster stayed in
   * the operator's cache, which kept re-creating its StatefulSets). A bounded watch lifetime and a
   * re-list bound that staleness. Reflection because the mock keeps its watch listeners private.
   */
  void endWatches() {
    try {
      Field listenersField = KubernetesCrudDispatcher.class.getDeclaredField("watchEventListeners");
      listenersField.setAccessible(true);
      Set<?> listeners = (Set<?>) listenersField.get(dispatcher);
      for (Object listener : List.copyOf(listeners)) {
        Field ref = listener.getClass().getDeclaredField("webSocketRef");
        ref.setAccessible(true);
        Object socket = ((AtomicReference<?>) ref.get(listener)).get();
        if (socket instanceof WebSocket webSocket) {
          webSocket.send(EXPIRED);
          webSocket.close(1000, "watch timeout");
        }
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("could not end watches: {}", e.toString());
    }
  }

  /**
   * Starts the API on 127.0.0.1:{@code port} (0: any free port), installs the CRD file and enforces
   * its schema on QuorumClusters.
   */
  public static ApiServer start(int port, Path crdFile) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    if (port != 0) {
      ensureFree(loopback, port);
    }
    CelSchemaValidator validator;
    try {
      validator = CelSchemaValidator.forCrd(crdFile);
    } catch (UncheckedIOException e) {
      throw new LocalRuntimeException("cannot read the CRD " + crdFile + ": " + e.getMessage());
    }
    KubernetesCrudDispatcher dispatcher = new ValidatingDispatcher(validator);
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init(loopback, port);
    ApiServer api = new ApiServer(server, dispatcher, "http://127.0.0.1:" + server.getPort());
    api.installCrd(crdFile);
    try {
      api.kubectl = KubectlEndpoint.start(api.url, crdFile);
    } catch (RuntimeException e) {
      api.close();
      throw e;
    }
    return api;
  }

  private static void ensureFree(InetAddress address, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(address, port));
    } catch (IOException e) {
      throw new LocalRuntimeException(
          "port 127.0.0.1:"
              + port
              + " for the Kubernetes API is in use; choose another with --api-port");
    }
  }

  private void installCrd(Path crdFile) {
    try {
      CustomResourceDefinition crd =
          client
              .getKubernetesSerialization()
              .unmarshal(Files.readString(crdFile), CustomResourceDefinition.class);
      client.resource(crd).create();
    } catch (IOException e) {
      throw new LocalRuntimeException("cannot read the CRD " + crdFile + ": " + e.getMessage());
    }
  }

  /** A client configuration for this API: plain HTTP on loopback, no credentials. */
  public static Config clientConfig(String url, String userAgent) {
    return new ConfigBuilder(Config.empty())
        .withMasterUrl(url)
        .withTrustCerts(true)
        .withNamespace("default")
        .withUserAgent(userAgent)
        .withRequestTimeout(10_000)
        .withConnectionTimeout(5_000)
        .build();
  }

  public String url() {
    return url;
  }

  /** Where kubectl talks to this API (the kubeconfig's server): see {@link KubectlEndpoint}. */
  public String kubectlUrl() {
    return kubectl.url();
  }

  public int port() {
    return server.getPort();
  }

  public KubernetesClient client() {
    return client;
  }

  /** What the API served so far, by client, verb and resource. */
  public ApiRequests requests() {
    return requests;
  }

  /** A new client of its own, for a component with its own informers. */
  public KubernetesClient newClient(String userAgent) {
    return new KubernetesClientBuilder().withConfig(clientConfig(url, userAgent)).build();
  }

  @Override
  public void close() {
    watchTimeouts.shutdownNow();
    if (kubectl != null) {
      kubectl.close();
    }
    requests.close();
    client.close();
    server.destroy();
  }
}
