package io.quorumkeeper.node.agent;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** Client connections to an agent on loopback, with a read timeout; all closed at the end. */
final class ClientSockets implements AutoCloseable {

  private static final int READ_TIMEOUT_MS = 5000;

  private final List<Socket> open = new ArrayList<>();

  /** A plain TCP connection. */
  Socket plain(int port) throws IOException {
    return kept(new Socket("127.0.0.1", port));
  }

  /** A plain connection from {@code localAddress} (another loopback address: another source). */
  Socket plainFrom(String localAddress, int port) throws IOException {
    return kept(
        new Socket(
            java.net.InetAddress.getByName("127.0.0.1"),
            port,
            java.net.InetAddress.getByName(localAddress),
            0));
  }

  /** A plain connection whose receive buffer is small: a client that reads little or nothing. */
  Socket plainWithSmallReceiveBuffer(int port) throws IOException {
    Socket socket = kept(new Socket());
    socket.setReceiveBufferSize(4096);
    socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
    return socket;
  }

  /** A TLS connection trusting {@code trust}; its handshake starts with the first read or write. */
  SSLSocket tls(SSLContext trust, int port) throws IOException {
    return kept((SSLSocket) trust.getSocketFactory().createSocket("127.0.0.1", port));
  }

  @Override
  public void close() throws IOException {
    for (Socket socket : open) {
      socket.close();
    }
  }

  private <S extends Socket> S kept(S socket) throws IOException {
    socket.setSoTimeout(READ_TIMEOUT_MS);
    open.add(socket);
    return socket;
  }
}
