package dev.rstt.gateway.support;

import dev.rstt.testsupport.SerialSends;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A real app-side WebSocket client (java.net.http). Records every text frame and the close code; answers the
 * server's {@code ping} with omi's 2-byte binary pong when {@code pong} is on; reads only on demand when
 * {@code manualDemand} is on (a slow-reading client).
 */
public final class AppSocket implements WebSocket.Listener {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final List<String> texts = new ArrayList<>();
  private final StringBuilder partial = new StringBuilder();
  private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
  private volatile String closeReason;
  private volatile boolean pong;
  private final boolean manualDemand;
  private volatile int pings;
  private WebSocket socket;
  private volatile java.util.function.Consumer<String> textHook = t -> { };
  /**
   * The last send: the JDK's WebSocket allows one outstanding send, and the pong answering a {@code ping} is sent
   * from the listener's thread while the test may be sending, so every send is chained after the previous one.
   */
  private final SerialSends sends = new SerialSends();

  private AppSocket(boolean pong, boolean manualDemand) {
    this.pong = pong;
    this.manualDemand = manualDemand;
  }

  public static AppSocket connect(URI uri, String token) {
    return connect(uri, token, true, false);
  }

  public static AppSocket connect(URI uri, String token, boolean pong, boolean manualDemand) {
    return connectRaw(uri, token == null ? null : "Bearer " + token, pong, manualDemand);
  }

  /** With a raw Authorization header value (or none). */
  public static AppSocket connectRaw(URI uri, String authorization) {
    return connectRaw(uri, authorization, true, false);
  }

  private static AppSocket connectRaw(URI uri, String authorization, boolean pong, boolean manualDemand) {
    AppSocket app = new AppSocket(pong, manualDemand);
    WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    app.socket = builder.buildAsync(uri, app).orTimeout(20, TimeUnit.SECONDS).join();
    return app;
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    if (!manualDemand) { // request(0) is illegal: a slow reader asks later through read(n)
      webSocket.request(1);
    }
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String text = partial.toString();
      partial.setLength(0);
      if (text.equals("ping")) {
        pings++;
        if (pong) {
          sends.binary(webSocket, new byte[] {(byte) 0x8A, 0x00});
        }
      }
      textHook.accept(text); // on the listener thread, at arrival, before the next frame is read
      synchronized (texts) {
        texts.add(text);
      }
    }
    if (!manualDemand) {
      webSocket.request(1);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    if (!manualDemand) {
      webSocket.request(1);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeReason = reason;
    closeCode.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closeCode.complete(-1);
  }

  /** Lets a manual-demand client read {@code n} more messages. */
  public void read(long n) {
    socket.request(n);
  }

  /** Called with every text frame as it arrives (on the client's listener thread). */
  public void onText(java.util.function.Consumer<String> hook) {
    this.textHook = hook;
  }

  public void setPong(boolean pong) {
    this.pong = pong;
  }

  public int pings() {
    return pings;
  }

  public void sendBinary(byte[] bytes) {
    sends.binary(socket, bytes).orTimeout(20, TimeUnit.SECONDS).join();
  }

  public void sendText(String text) {
    sends.text(socket, text).orTimeout(20, TimeUnit.SECONDS).join();
  }

  public void stop() {
    sendText("{\"type\":\"stop\"}");
  }

  /** Closes from the client side (no stop). */
  public void closeNormally() {
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> null).join();
  }

  public void abort() {
    socket.abort();
  }

  /** Text frames other than {@code ping}, in arrival order. */
  public List<String> messages() {
    synchronized (texts) {
      return texts.stream().filter(t -> !t.equals("ping")).toList();
    }
  }

  public List<String> allTexts() {
    synchronized (texts) {
      return List.copyOf(texts);
    }
  }

  /**
   * The first text frame {@code matching}, waiting up to 30 s; a timeout fails with what the socket did get (its
   * messages, close code and reason), so a failed run says why.
   */
  public String awaitMessage(Predicate<String> matching) {
    try {
      return Awaitility.await().atMost(Duration.ofSeconds(30)).until(
          () -> messages().stream().filter(matching).findFirst().orElse(null), m -> m != null);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no matching message within 30 s; got " + messages() + ", close "
          + (closeCode.isDone() ? closeCode.join() + " \"" + closeReason + "\"" : "none"), e);
    }
  }

  public int awaitClose() {
    return closeCode.orTimeout(60, TimeUnit.SECONDS).join();
  }

  public boolean isClosed() {
    return closeCode.isDone();
  }

  public String closeReason() {
    return closeReason;
  }
}
