package io.quorumkeeper.node.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** HTTP/1.1 by hand on a socket, for the tests of what a client may cost the agent. */
final class RawHttp {

  private RawHttp() {}

  /** Sends one keep-alive request and reads exactly its answer (headers and JSON body). */
  static String request(Socket socket, byte[] request) throws IOException {
    socket.getOutputStream().write(request);
    socket.getOutputStream().flush();
    return readAnswer(socket);
  }

  /** Reads exactly one answer (headers and body) from the connection. */
  static String readAnswer(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        return head.toString();
      }
      head.append((char) b);
    }
    int length =
        Integer.parseInt(head.toString().replaceAll("(?s).*content-length: (\\d+).*", "$1"));
    return head + new String(in.readNBytes(length), StandardCharsets.US_ASCII);
  }

  /** Reads one byte in the background; -1 once the server has closed (or reset) the connection. */
  static CompletableFuture<Integer> readOneByte(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return in.read();
          } catch (IOException e) {
            return -1; // a reset is a close too
          }
        });
  }
}
