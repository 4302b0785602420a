package dev.rstt.testsupport;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * One send at a time on a JDK {@link WebSocket}, which throws {@code IllegalStateException} for a send made while
 * another is pending. A test app sends from two threads: its audio (a pacer, or the test's own thread) and the reply
 * to the gateway's keepalive {@code ping}, which arrives on the socket's listener thread; each send here starts when
 * the one before it ended (however it ended).
 */
public final class SerialSends {

  private CompletableFuture<?> last = CompletableFuture.completedFuture(null);

  /** Queues {@code send} on {@code ws} after the sends queued before it; completes when it completed. */
  public synchronized CompletableFuture<WebSocket> send(WebSocket ws,
      Function<WebSocket, CompletableFuture<WebSocket>> send) {
    CompletableFuture<WebSocket> next = last.handle((v, e) -> null).thenCompose(v -> send.apply(ws));
    last = next;
    return next;
  }

  public CompletableFuture<WebSocket> binary(WebSocket ws, byte[] bytes) {
    return send(ws, w -> w.sendBinary(ByteBuffer.wrap(bytes), true));
  }

  public CompletableFuture<WebSocket> text(WebSocket ws, String text) {
    return send(ws, w -> w.sendText(text, true));
  }
}
