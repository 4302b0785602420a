package dev.rstt.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The two threads of a test app (audio pacer, keepalive reply) against a real JDK WebSocket whose peer is not
 * reading yet, so a large send stays pending: a second send made meanwhile fails on the bare socket, which once
 * stopped a paced stream mid-call (its pacer died on the exception), and waits its turn through {@link SerialSends}.
 */
class SerialSendsTest {

  private static final byte[] LARGE = new byte[32 * 1024 * 1024]; // more than any TCP buffer holds
  private static final byte[] KEEPALIVE = {(byte) 0x8A, 0};

  private ServerSocket server;
  private final CountDownLatch read = new CountDownLatch(1);
  private WebSocket ws;

  @BeforeEach
  void connect() throws Exception {
    server = new ServerSocket(0);
    Thread peer = new Thread(this::peer, "websocket-peer");
    peer.setDaemon(true);
    peer.start();
    ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/"), new WebSocket.Listener() { })
        .get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    read.countDown();
    ws.abort();
    server.close();
  }

  @Test
  void shouldRefuseASecondSendWhileOneIsPendingOnTheBareSocket() throws Exception {
    CompletableFuture<WebSocket> audio = ws.sendBinary(ByteBuffer.wrap(LARGE), true);
    assertThat(audio).as("the large send waits for the peer").isNotDone();

    CompletableFuture<WebSocket> keepalive = ws.sendBinary(ByteBuffer.wrap(KEEPALIVE), true);

    assertThat(keepalive).failsWithin(Duration.ofSeconds(5)).withThrowableThat()
        .havingRootCause().isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldSendTheSecondAfterTheFirstThroughSerialSends() throws Exception {
    SerialSends sends = new SerialSends();
    CompletableFuture<WebSocket> audio = sends.binary(ws, LARGE);
    CompletableFuture<WebSocket> keepalive = sends.binary(ws, KEEPALIVE);
    assertThat(audio).isNotDone();
    assertThat(keepalive).as("queued behind the pending send, not refused").isNotDone();

    read.countDown(); // the peer reads now

    assertThat(audio).succeedsWithin(Duration.ofSeconds(30));
    assertThat(keepalive).succeedsWithin(Duration.ofSeconds(30));
  }

  /** Accepts one connection, answers the handshake (RFC 6455 section 4.2.2), then reads only once allowed. */
  private void peer() {
    try (Socket socket = server.accept()) {
      InputStream in = socket.getInputStream();
      BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1);
      String key = null;
      for (String line = lines.readLine(); line != null && !line.isEmpty(); line = lines.readLine()) {
        if (line.regionMatches(true, 0, "Sec-WebSocket-Key:", 0, 18)) {
          key = line.substring(18).strip();
        }
      }
      byte[] sha1 = MessageDigest.getInstance("SHA-1").digest(
          (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
      OutputStream out = socket.getOutputStream();
      out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(sha1) + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      read.await();
      byte[] buffer = new byte[1 << 16];
      while (in.read(buffer) >= 0) {
        // drain: frames are not parsed, only taken off the wire
      }
    } catch (Exception e) {
      // the test closed the server
    }
  }
}
