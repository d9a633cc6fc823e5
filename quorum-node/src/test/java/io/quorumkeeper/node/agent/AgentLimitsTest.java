package io.quorumkeeper.node.agent;

import static io.quorumkeeper.node.agent.RawHttp.readOneByte;
import static io.quorumkeeper.node.agent.RawHttp.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What one client may cost the agent, on real loopback sockets: connections, time, size. */
class AgentLimitsTest {

  private static final int MAX_CONNECTIONS = 4;
  private static final Duration DEADLINE = Duration.ofSeconds(1);
  private static final int MAX_BODY = 1024;
  private static final byte[] HEALTHZ =
      "GET /v1/healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final ClientSockets sockets = new ClientSockets();
  private AgentServer server;

  @BeforeEach
  void start() {
    FakeNodeProbe probe = new FakeNodeProbe(FakeNodeProbe.controllerFollowing(2, 5));
    AgentRoutes routes =
        new AgentRoutes(probe, new BearerToken(AgentRoutesTest.TOKEN), new RequestCounter());
    server =
        AgentServer.start(
            "127.0.0.1", 0, routes, new AgentLimits(MAX_CONNECTIONS, DEADLINE, MAX_BODY));
  }

  @AfterEach
  void stop() throws IOException {
    sockets.close();
    server.close();
  }

  @Test
  void givenMaxConnectionsOpenFromOneSource_whenItOpensOneMore_thenItsLongestIdleIsClosed()
      throws IOException {
    List<Socket> open = new ArrayList<>();
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      Socket socket = connect();
      assertThat(request(socket, HEALTHZ)).startsWith("HTTP/1.1 200 OK"); // admitted and kept
      open.add(socket);
    }
    assertThat(request(open.get(0), HEALTHZ)).startsWith("HTTP/1.1 200 OK"); // the first is busy
    CompletableFuture<Integer> secondClosed = readOneByte(open.get(1).getInputStream());

    assertThat(request(connect(), HEALTHZ)).startsWith("HTTP/1.1 200 OK");

    await().atMost(Duration.ofSeconds(5)).until(secondClosed::isDone);
    assertThat(request(open.get(0), HEALTHZ)).startsWith("HTTP/1.1 200 OK");
  }

  /**
   * The attack a refusing limit allowed: one source holds every connection and keeps using them; a
   * kubelet's probe from elsewhere must still be answered, and at once.
   */
  @Test
  void givenOneSourceHoldingAndUsingEveryConnection_whenAnotherConnects_thenItIsServed()
      throws IOException {
    List<Socket> flood = new ArrayList<>();
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      Socket socket = sockets.plainFrom("127.0.0.2", server.address().getPort());
      assertThat(request(socket, HEALTHZ)).startsWith("HTTP/1.1 200 OK");
      flood.add(socket);
    }

    for (int round = 0; round < 3; round++) {
      Socket probe = sockets.plainFrom("127.0.0.3", server.address().getPort());
      probe.setSoTimeout(1000);
      assertThat(request(probe, HEALTHZ)).as("probe %d", round).startsWith("HTTP/1.1 200 OK");
      probe.close();
      // the flood opens one more again, as it would to take the freed slot back
      flood.add(sockets.plainFrom("127.0.0.2", server.address().getPort()));
    }
  }

  @Test
  void givenAKeptConnection_whenAnotherSourceChurnsThroughNewConnections_thenItIsNotClosed()
      throws IOException {
    Socket operator = sockets.plainFrom("127.0.0.3", server.address().getPort());
    assertThat(request(operator, HEALTHZ)).startsWith("HTTP/1.1 200 OK");

    for (int i = 0; i < 3 * MAX_CONNECTIONS; i++) {
      Socket churn = sockets.plainFrom("127.0.0.2", server.address().getPort());
      assertThat(request(churn, HEALTHZ)).startsWith("HTTP/1.1 200 OK");
    }

    // the idlest connection of all, but its source holds one: the same connection still answers
    assertThat(request(operator, HEALTHZ)).startsWith("HTTP/1.1 200 OK");
  }

  /**
   * A source opening connections as fast as it can (on a TLS agent, a handshake each) gets its
   * burst and then its rate; the rest are closed at once, and another source is answered at once.
   */
  @Test
  void givenOneSourceOpeningConnectionsAsFastAsItCan_thenItGetsItsRateAndAnotherIsAnswered()
      throws IOException {
    int answered = 0;
    long started = System.nanoTime();
    for (int i = 0; i < 3 * ConnectionLimit.BURST; i++) {
      try (Socket socket = sockets.plainFrom("127.0.0.2", server.address().getPort())) {
        socket.setSoTimeout(1000);
        if (request(socket, HEALTHZ).startsWith("HTTP/1.1 200 OK")) {
          answered++;
        }
      } catch (IOException closedBeforeTheRequest) {
        // refused: closed as soon as accepted
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;

    assertThat(answered)
        .isGreaterThanOrEqualTo(ConnectionLimit.BURST)
        .isLessThanOrEqualTo(
            ConnectionLimit.BURST + (int) Math.ceil(seconds * ConnectionLimit.PER_SECOND) + 1);
    Socket probe = sockets.plainFrom("127.0.0.3", server.address().getPort());
    probe.setSoTimeout(1000);
    assertThat(request(probe, HEALTHZ)).startsWith("HTTP/1.1 200 OK");
    await()
        .atMost(Duration.ofSeconds(3))
        .ignoreExceptions()
        .until(
            () -> {
              try (Socket again = sockets.plainFrom("127.0.0.2", server.address().getPort())) {
                again.setSoTimeout(1000);
                return request(again, HEALTHZ).startsWith("HTTP/1.1 200 OK");
              }
            });
  }

  @Test
  void givenAClientTricklingItsHeader_thenTheConnectionIsClosedWithinTheDeadline()
      throws Exception {
    Socket socket = connect();
    OutputStream out = socket.getOutputStream();
    CompletableFuture<Integer> closed = readOneByte(socket.getInputStream());
    long started = System.nanoTime();
    byte[] header = "GET /v1/healthz HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
    out.write(header);

    // The scenario itself: one header byte every 100 ms, each well inside any read timeout, the
    // header never finished. The deadline, not idleness, has to end it.
    await()
        .atMost(DEADLINE.plusSeconds(3))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> closed.isDone() || !trickle(out));

    assertThat(closed.get(3, TimeUnit.SECONDS)).as("no answer, just closed").isEqualTo(-1);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(DEADLINE);
  }

  @Test
  void givenAConnectionThatSendsNothing_thenItIsClosedWithinTheDeadline() throws Exception {
    CompletableFuture<Integer> closed = readOneByte(connect().getInputStream());

    await().atMost(DEADLINE.plusSeconds(3)).until(closed::isDone);
    assertThat(closed.get()).isEqualTo(-1);
  }

  @Test
  void givenAServedRequest_whenTheConnectionIdlesPastTheDeadline_thenItIsKeptForTheNextRequest()
      throws Exception {
    Socket socket = connect();
    assertThat(request(socket, HEALTHZ)).startsWith("HTTP/1.1 200 OK");
    CompletableFuture<Integer> closed = readOneByte(socket.getInputStream());

    await()
        .during(DEADLINE.multipliedBy(2))
        .atMost(DEADLINE.multipliedBy(3))
        .until(() -> !closed.isDone());
  }

  @Test
  void givenABodyLargerThanTheLimit_then413AndTheConnectionIsClosed() throws IOException {
    byte[] request =
        ("GET /v1/healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"
                + "a".repeat(2 * MAX_BODY))
            .getBytes(StandardCharsets.US_ASCII);

    String answer = exchange(request);

    assertThat(answer).startsWith("HTTP/1.1 413 Request Entity Too Large");
    assertThat(answer).contains("\"error\":\"too_large\"");
  }

  @Test
  void givenAChunkedBodyGrowingPastTheLimit_then413AndTheConnectionIsClosed() throws IOException {
    String chunk = Integer.toHexString(MAX_BODY) + "\r\n" + "a".repeat(MAX_BODY) + "\r\n";
    byte[] request =
        ("GET /v1/healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk
                + chunk)
            .getBytes(StandardCharsets.US_ASCII);

    assertThat(exchange(request)).startsWith("HTTP/1.1 413 Request Entity Too Large");
  }

  @Test
  void givenASmallBody_thenTheRequestIsServed() throws IOException {
    byte[] request =
        "GET /v1/healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello"
            .getBytes(StandardCharsets.US_ASCII);

    assertThat(exchange(request)).startsWith("HTTP/1.1 200 OK");
  }

  /**
   * A client that sends requests and never reads the answers: once more than {@link
   * AgentServer#UNSENT_HIGH_BYTES} of answers wait unsent, its next request closes the connection
   * (its writes then fail). Without the bound the agent read every request and queued every answer
   * in memory: here 8 MiB of requests, about 30 MiB of answers.
   */
  @Test
  void givenAClientThatNeverReadsItsAnswers_thenItIsClosedBeforeTheyPileUp() throws IOException {
    byte[] batch = healthzTimes(1000);
    Socket socket = sockets.plainWithSmallReceiveBuffer(server.address().getPort());
    long sent = 0;
    IOException refused = null;
    OutputStream out = socket.getOutputStream();
    while (refused == null && sent < 8L * 1024 * 1024) {
      try {
        out.write(batch);
        out.flush();
        sent += batch.length;
      } catch (IOException e) {
        refused = e;
      }
    }

    assertThat(refused).as("the agent closed the connection; bytes sent: %d", sent).isNotNull();
  }

  @Test
  void givenAFewPipelinedRequests_thenEachIsAnswered() throws IOException {
    Socket socket = connect();
    byte[] three = healthzTimes(3);
    socket.getOutputStream().write(three);
    socket.getOutputStream().flush();

    for (int i = 0; i < 3; i++) {
      assertThat(RawHttp.readAnswer(socket)).startsWith("HTTP/1.1 200 OK");
    }
  }

  /** {@code n} keep-alive health requests back to back, as a client that pipelines sends them. */
  private static byte[] healthzTimes(int n) {
    byte[] requests = new byte[HEALTHZ.length * n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(HEALTHZ, 0, requests, i * HEALTHZ.length, HEALTHZ.length);
    }
    return requests;
  }

  private Socket connect() throws IOException {
    return sockets.plain(server.address().getPort());
  }

  /** Writes one more header byte; false once the server has closed the connection. */
  private static boolean trickle(OutputStream out) {
    try {
      out.write('a');
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends raw bytes and reads the answer until the server closes the connection. */
  private String exchange(byte[] request) throws IOException {
    Socket socket = connect();
    socket.getOutputStream().write(request);
    socket.getOutputStream().flush();
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
  }
}
