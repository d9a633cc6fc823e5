package io.quorumkeeper.node.tls;

import java.nio.ByteBuffer;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/** A TLS handshake between two contexts' engines through buffers in this JVM, no socket. */
public final class InMemoryHandshake {

  private static final int BUFFER = 1 << 17;
  private static final int ROUNDS = 50;

  private InMemoryHandshake() {}

  /**
   * A handshake in which the client checks the server's certificate against {@code host} as an
   * HTTPS client does.
   *
   * @return the certificate the server presented, once both sides have finished
   * @throws SSLException when either side refuses the other
   */
  public static X509Certificate handshake(SSLContext server, SSLContext client, String host)
      throws SSLException {
    SSLEngine c = client.createSSLEngine(host, 443);
    c.setUseClientMode(true);
    SSLParameters verifyHost = c.getSSLParameters();
    verifyHost.setEndpointIdentificationAlgorithm("HTTPS");
    c.setSSLParameters(verifyHost);
    SSLEngine s = server.createSSLEngine();
    s.setUseClientMode(false);
    ByteBuffer toServer = ByteBuffer.allocate(BUFFER);
    ByteBuffer toClient = ByteBuffer.allocate(BUFFER);
    c.beginHandshake();
    s.beginHandshake();
    for (int round = 0; round < ROUNDS; round++) {
      advance(c, toServer, toClient);
      advance(s, toClient, toServer);
      if (c.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
          && s.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
        return (X509Certificate) c.getSession().getPeerCertificates()[0];
      }
    }
    throw new SSLException("the handshake did not finish in " + ROUNDS + " rounds");
  }

  /** Runs {@code engine} until it waits for bytes {@code in} does not hold yet. */
  private static void advance(SSLEngine engine, ByteBuffer out, ByteBuffer in) throws SSLException {
    ByteBuffer none = ByteBuffer.allocate(0);
    ByteBuffer app = ByteBuffer.allocate(BUFFER);
    for (int step = 0; step < ROUNDS; step++) {
      switch (engine.getHandshakeStatus()) {
        case NEED_TASK -> {
          for (Runnable task = engine.getDelegatedTask();
              task != null;
              task = engine.getDelegatedTask()) {
            task.run();
          }
        }
        case NEED_WRAP -> {
          if (engine.wrap(none, out).bytesProduced() == 0
              && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            throw new SSLException("the engine wrote nothing: " + out.remaining() + " bytes free");
          }
        }
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          in.flip();
          SSLEngineResult result = engine.unwrap(in, app);
          in.compact();
          if (result.bytesConsumed() == 0
              && engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
            return; // the peer's turn
          }
        }
        default -> {
          return;
        }
      }
    }
    throw new SSLException("the engine did not settle in " + ROUNDS + " steps");
  }
}
