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
import io.quorumkeeper.local.LocalRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * The embedded Kubernetes API: Fabric8's mock server in CRUD mode (with watches) on 127.0.0.1, with
 * the QuorumCluster CRD registered so that status is a subresource, as on a real API server.
 */
public final class ApiServer implements AutoCloseable {

  /** The mock server logs every request at INFO through java.util.logging; kept referenced. */
  private static final java.util.logging.Logger MOCK_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final String url;

  private ApiServer(KubernetesMockServer server, String url) {
    this.server = server;
    this.url = url;
    this.client =
        new KubernetesClientBuilder().withConfig(clientConfig(url, "quorum-keeper-local")).build();
  }

  /** Starts the API on 127.0.0.1:{@code port} (0: any free port) and installs the CRD file. */
  public static ApiServer start(int port, Path crdFile) {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    if (port != 0) {
      ensureFree(loopback, port);
    }
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init(loopback, port);
    ApiServer api = new ApiServer(server, "http://127.0.0.1:" + server.getPort());
    api.installCrd(crdFile);
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

  public int port() {
    return server.getPort();
  }

  public KubernetesClient client() {
    return client;
  }

  /** A new client of its own, for a component with its own informers. */
  public KubernetesClient newClient(String userAgent) {
    return new KubernetesClientBuilder().withConfig(clientConfig(url, userAgent)).build();
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
