package dev.rstt.gateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A WebSocket client that completes the upgrade over a plain TCP socket with a tiny receive buffer and then
 * stops reading: the slowest possible reader, with no client-side buffering to hide it.
 */
public final class StalledClient implements AutoCloseable {

  private final Socket socket;
  private final String handshakeResponse;

  public StalledClient(URI uri, String token) throws IOException {
    socket = new Socket();
    socket.setReceiveBufferSize(4096);
    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
    socket.setSoTimeout(10_000);
    String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    String request = "GET " + uri.getRawPath() + "?" + uri.getRawQuery() + " HTTP/1.1\r\n"
        + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
        + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
        + "Authorization: Bearer " + token + "\r\n\r\n";
    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    handshakeResponse = head.toString(StandardCharsets.US_ASCII);
  }

  /** Reads until a text frame containing {@code needle} arrives; returns that frame's text. */
  public String readUntil(String needle) throws IOException {
    InputStream in = socket.getInputStream();
    while (true) {
      int b0 = in.read();
      int b1 = in.read();
      if (b0 < 0 || b1 < 0) {
        throw new IOException("closed");
      }
      long len = b1 & 0x7F;
      if (len == 126) {
        len = (in.read() << 8) | in.read();
      } else if (len == 127) {
        len = 0;
        for (int i = 0; i < 8; i++) {
          len = (len << 8) | in.read();
        }
      }
      byte[] payload = in.readNBytes((int) len);
      String text = new String(payload, StandardCharsets.UTF_8);
      if ((b0 & 0x0F) == 1 && text.contains(needle)) {
        return text;
      }
    }
  }

  /** The status line and headers of the answer to the upgrade request. */
  public String handshakeResponse() {
    return handshakeResponse;
  }

  /** The body of a refused upgrade: what follows the headers until the server closes the connection. */
  public String refusalBody() throws IOException {
    return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  public boolean upgraded() {
    return handshakeResponse.startsWith("HTTP/1.1 101");
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
