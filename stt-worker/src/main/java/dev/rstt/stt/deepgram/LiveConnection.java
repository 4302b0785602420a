package dev.rstt.stt.deepgram;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One open live socket. Sends are chained (the JDK WebSocket allows one outstanding send), never block, and a
 * failed send is reported once to the listener. Called from one thread (the worker's engine).
 */
public final class LiveConnection {

  private static final String KEEP_ALIVE = "{\"type\":\"KeepAlive\"}";
  private static final String FINALIZE = "{\"type\":\"Finalize\"}";
  private static final String CLOSE_STREAM = "{\"type\":\"CloseStream\"}";

  private final WebSocket socket;
  private final LiveListener listener;
  private final AtomicBoolean failed = new AtomicBoolean();
  private CompletableFuture<WebSocket> tail;

  LiveConnection(WebSocket socket, LiveListener listener) {
    this.socket = socket;
    this.listener = listener;
    this.tail = CompletableFuture.completedFuture(socket);
  }

  /** Sends {@code pcm}'s remaining bytes; the caller hands the buffer over and does not touch it again. */
  public void sendAudio(ByteBuffer pcm) {
    chain(ws -> ws.sendBinary(pcm, true));
  }

  public void keepAlive() {
    chain(ws -> ws.sendText(KEEP_ALIVE, true));
  }

  public void finalizeStream() {
    chain(ws -> ws.sendText(FINALIZE, true));
  }

  public void closeStream() {
    chain(ws -> ws.sendText(CLOSE_STREAM, true));
  }

  /** Drops the socket at once (no close handshake): for dead or abandoned connections. */
  public void abort() {
    failed.set(true);
    socket.abort();
  }

  private void chain(java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> send) {
    if (failed.get()) {
      return;
    }
    tail = tail.thenCompose(send);
    tail.whenComplete((ws, error) -> {
      if (error != null && failed.compareAndSet(false, true)) {
        listener.onError(error);
      }
    });
  }
}
