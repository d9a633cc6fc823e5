package io.quorumkeeper.node.agent;

import static io.quorumkeeper.node.agent.RawHttp.readOneByte;
import static io.quorumkeeper.node.agent.RawHttp.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.quorumkeeper.node.tls.TestCa;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent over HTTPS with the pod's combined key + chain PEM, on real loopback sockets, and the
 * limits of {@link AgentLimits} still holding for TLS connections.
 */
class AgentHttpsTest {

  private static final int MAX_CONNECTIONS = 3;
  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private static final String POD = "orders-controller-0";
  private static final byte[] READYZ =
      "GET /v1/readyz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  @TempDir Path tlsDir;

  private final TestCa ca = TestCa.create("orders-ca");
  private final ClientSockets sockets = new ClientSockets();
  private SSLContext trustingTheCa;
  private HttpClient https;
  private AgentServer server;

  @BeforeEach
  void start() {
    ca.writeTlsDir(tlsDir, POD, "127.0.0.1", "localhost");
    trustingTheCa = ca.trustingOnlyThisCa();
    https = HttpClient.newBuilder().sslContext(trustingTheCa).build();
    AgentRoutes routes =
        new AgentRoutes(
            new FakeNodeProbe(FakeNodeProbe.controllerFollowing(2, 5)),
            new BearerToken(AgentRoutesTest.TOKEN),
            new RequestCounter());
    server =
        AgentServer.start(
            "127.0.0.1",
            0,
            routes,
            new AgentLimits(MAX_CONNECTIONS, DEADLINE, 1024),
            Optional.of(AgentTls.server(tlsDir.resolve(POD + ".pem"))));
  }

  @AfterEach
  void stop() throws IOException {
    sockets.close();
    server.close();
  }

  @Test
  void givenAClientTrustingOnlyTheClusterCa_thenReadyzAnswersWithoutAToken() throws Exception {
    HttpResponse<String> response = get(https, "/v1/readyz", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("{\"status\":\"ready\"}");
  }

  @Test
  void nodeNeedsTheTokenOverHttpsToo() throws Exception {
    assertThat(get(https, "/v1/node", null).statusCode()).isEqualTo(401);

    HttpResponse<String> withToken = get(https, "/v1/node", AgentRoutesTest.BEARER);
    assertThat(withToken.statusCode()).isEqualTo(200);
    assertThat(withToken.body()).contains("\"leaderId\":2");
  }

  @Test
  void aClientThatDoesNotTrustTheClusterCaRefusesTheAgent() {
    HttpClient systemTrust = HttpClient.newHttpClient();

    assertThatThrownBy(() -> get(systemTrust, "/v1/readyz", null))
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
  }

  /**
   * The agent speaks TLS 1.3 alone: a client limited to TLS 1.2, whose connections could ask for
   * one handshake after another on the agent's one thread (renegotiation), is refused.
   */
  @Test
  void aClientLimitedToTls12IsRefused_tls13IsServed() throws Exception {
    javax.net.ssl.SSLParameters tls12 = trustingTheCa.getDefaultSSLParameters();
    tls12.setProtocols(new String[] {"TLSv1.2"});
    HttpClient oldClient =
        HttpClient.newBuilder().sslContext(trustingTheCa).sslParameters(tls12).build();

    assertThatThrownBy(() -> get(oldClient, "/v1/readyz", null))
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    javax.net.ssl.SSLParameters tls13 = trustingTheCa.getDefaultSSLParameters();
    tls13.setProtocols(new String[] {"TLSv1.3"});
    HttpClient newClient =
        HttpClient.newBuilder().sslContext(trustingTheCa).sslParameters(tls13).build();
    assertThat(get(newClient, "/v1/readyz", null).statusCode()).isEqualTo(200);
  }

  /**
   * A TLS connection counts against the limit like any other, and a full agent makes room before
   * any handshake work: the idlest connection of the source holding the most is closed
   * (ConnectionLimit, AgentLimitsTest), and the newcomer's handshake and request go through.
   */
  @Test
  void givenMaxTlsConnectionsOpen_whenOneMoreConnects_thenTheIdlestIsClosedAndItIsServed()
      throws Exception {
    List<SSLSocket> open = new ArrayList<>();
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      SSLSocket socket = tlsConnect();
      assertThat(request(socket, READYZ)).startsWith("HTTP/1.1 200 OK"); // admitted and kept
      open.add(socket);
    }
    CompletableFuture<Integer> firstClosed = readOneByte(open.get(0).getInputStream());

    assertThat(request(tlsConnect(), READYZ)).startsWith("HTTP/1.1 200 OK");

    await().atMost(Duration.ofSeconds(5)).until(firstClosed::isDone);
    assertThat(firstClosed.get()).isEqualTo(-1);
  }

  @Test
  void givenATcpClientThatNeverSendsAClientHello_thenItIsClosedWithinTheDeadline()
      throws Exception {
    Socket socket = plainConnect();
    long started = System.nanoTime();
    CompletableFuture<Integer> closed = readOneByte(socket.getInputStream());

    await().atMost(DEADLINE.plusSeconds(2)).until(closed::isDone);
    assertThat(closed.get()).isEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .isGreaterThanOrEqualTo(DEADLINE.minusMillis(100));
  }

  @Test
  void givenPlainHttpOnTheHttpsPort_thenNothingUsefulComesBack() throws Exception {
    Socket socket = plainConnect();
    socket.getOutputStream().write(READYZ);
    socket.getOutputStream().flush();

    String answer;
    try {
      answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (IOException reset) {
      answer = "";
    }

    assertThat(answer).doesNotContain("HTTP/1.1", "ready", "status");
  }

  private HttpResponse<String> get(HttpClient client, String path, String authorization)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port() + path))
            .timeout(Duration.ofSeconds(5));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private int port() {
    return server.address().getPort();
  }

  private Socket plainConnect() throws IOException {
    return sockets.plain(port());
  }

  private SSLSocket tlsConnect() throws IOException {
    return sockets.tls(trustingTheCa, port());
  }
}
