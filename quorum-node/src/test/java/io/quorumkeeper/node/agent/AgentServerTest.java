package io.quorumkeeper.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Netty plumbing on a loopback port: real sockets, a fake probe. */
class AgentServerTest {

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private AgentServer server;
  private String base;

  @BeforeEach
  void start() {
    FakeNodeProbe probe = new FakeNodeProbe(FakeNodeProbe.controllerFollowing(2, 5));
    AgentRoutes routes =
        new AgentRoutes(probe, new BearerToken(AgentRoutesTest.TOKEN), new RequestCounter());
    server = AgentServer.start("127.0.0.1", 0, routes);
    base = "http://127.0.0.1:" + server.address().getPort();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void givenTheToken_whenNodeIsRequestedOverHttp_thenJsonIsServed() throws Exception {
    HttpResponse<String> response = get("/v1/node?verbose=1", AgentRoutesTest.BEARER);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.body()).contains("\"leaderId\":2", "\"leaderEpoch\":5");
  }

  @Test
  void givenNoToken_whenNodeIsRequestedOverHttp_then401() throws Exception {
    HttpResponse<String> response = get("/v1/node", null);

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("\"error\":\"unauthorized\"");
  }

  @Test
  void oneConnectionServesManyRequests() throws Exception {
    for (int i = 0; i < 20; i++) {
      assertThat(get("/v1/healthz", null).statusCode()).isEqualTo(200);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GARBAGE\r\n\r\n",
        "GET /v1/node HTTP/9.9\r\n\r\n",
        "GET /v1/node HTTP/1.1\r\nbad header line without colon\r\n\r\n",
        "\u0001\u0002\u0003 / HTTP/1.1\r\n\r\n",
      })
  void givenAMalformedRequest_thenA400JsonAnswerAndNoStackTrace(String request) throws IOException {
    String answer = exchange(request.getBytes(StandardCharsets.ISO_8859_1));

    assertThat(answer).startsWith("HTTP/1.1 400 Bad Request");
    assertThat(answer).contains("application/json", "\"error\":\"bad_request\"");
    assertThat(answer).doesNotContain("Exception", "\tat ");
  }

  @Test
  void givenAnOversizedHeader_then400() throws IOException {
    String request = "GET /v1/healthz HTTP/1.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n";

    assertThat(exchange(request.getBytes(StandardCharsets.ISO_8859_1)))
        .startsWith("HTTP/1.1 400 Bad Request")
        .contains("too long");
  }

  @Test
  void givenAMalformedUri_then400() throws IOException {
    assertThat(
            exchange("GET /v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII)))
        .startsWith("HTTP/1.1 400 Bad Request");
  }

  /** Sends raw bytes and reads the answer until the server closes the connection. */
  private String exchange(byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.address().getPort())) {
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
