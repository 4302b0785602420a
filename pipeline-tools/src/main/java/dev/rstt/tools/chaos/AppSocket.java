package dev.rstt.tools.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One app socket on a gateway's {@code /v4/listen} (PCM16 mono), new or resuming a session ({@code resume=}):
 * records every message with its arrival time ({@link AppEvent}), the session id ({@code session_started} or
 * {@code session_resumed}, with the message index to send from), the latest {@code audio_durable} and the resume
 * window, an {@code error} message's code and its {@code retry_after_seconds}, and how the socket closed. Audio
 * frames keep the idle timer fresh, so pings are not answered.
 */
final class AppSocket implements WebSocket.Listener {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final List<AppEvent> events = Collections.synchronizedList(new ArrayList<>());
  private final CompletableFuture<String> started = new CompletableFuture<>();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private volatile String closeReason;
  private volatile String errorCode;
  private volatile long retryAfterSeconds;
  private volatile long closedAtMs;
  private volatile long resumedFrames = -1;
  private volatile boolean dropped;
  private volatile long durableFrames;
  private volatile long resumeWindowS;
  private WebSocket socket;

  /**
   * Opens the socket ({@code resume}: the session id to resume, or null for a new session); throws if the gateway
   * cannot be reached or refuses the upgrade.
   */
  static AppSocket open(HttpClient http, String gatewayUrl, String token, int sampleRate, String resume)
      throws Exception {
    AppSocket app = new AppSocket();
    String ws = gatewayUrl.replaceFirst("^http", "ws") + "/v4/listen?language=en&sample_rate=" + sampleRate
        + "&codec=pcm16&channels=1" + (resume == null ? "" : "&resume=" + resume);
    app.socket = http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(ws), app).get(20, TimeUnit.SECONDS);
    return app;
  }

  /**
   * The session id once {@code session_started} (or {@code session_resumed}) arrived, or null if the socket closed
   * (or nothing came) first.
   */
  String awaitStarted(Duration timeout) {
    try {
      return CompletableFuture.anyOf(started, closed).thenApply(x -> started.getNow(null))
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  /** Sends one frame, waiting while the gateway pushes back; false if the socket closed or failed meanwhile. */
  boolean send(byte[] frame, Duration timeout) {
    if (closed.isDone()) {
      return false;
    }
    try {
      CompletableFuture<WebSocket> sent = socket.sendBinary(ByteBuffer.wrap(frame), true);
      CompletableFuture.anyOf(sent, closed).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return sent.isDone() && !sent.isCompletedExceptionally();
    } catch (Exception e) {
      return false;
    }
  }

  boolean stop() {
    try {
      socket.sendText("{\"type\":\"stop\"}", true).get(30, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** The close code, {@link LegRecord#ERROR} when the socket failed without one, {@link LegRecord#NEVER} on timeout. */
  int awaitClose(Duration timeout) {
    try {
      return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return LegRecord.NEVER;
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  /** Drops the connection without a close handshake. */
  void abort() {
    if (socket != null) {
      socket.abort();
    }
    closed.complete(LegRecord.NEVER);
  }

  /** The phone's network goes: the TCP connection is aborted (no close frame), as a failure the app sees. */
  void drop() {
    dropped = true;
    closeReason = "dropped by the app's network (socket_drop)";
    closedAtMs = System.currentTimeMillis();
    if (socket != null) {
      socket.abort();
    }
    closed.complete(LegRecord.ERROR);
  }

  /** The app dropped this socket itself ({@link #drop}). */
  boolean dropped() {
    return dropped;
  }

  List<AppEvent> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  String closeReason() {
    return closeReason;
  }

  /** The message index to send from that {@code session_resumed} gave, or -1 (a new session). */
  long resumedFrames() {
    return resumedFrames;
  }

  /** The latest {@code audio_durable} frames (the app may drop its messages before it). */
  long durableFrames() {
    return durableFrames;
  }

  /** {@code session_started}'s {@code resume_window_s} (0: resume off or not announced). */
  long resumeWindowS() {
    return resumeWindowS;
  }

  String errorCode() {
    return errorCode;
  }

  long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  long closedAtMs() {
    return closedAtMs;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      String message = partial.toString();
      partial.setLength(0);
      handle(message);
    }
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    webSocket.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    if (!closed.isDone()) {
      closeReason = reason;
      closedAtMs = System.currentTimeMillis();
      closed.complete(statusCode);
    }
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    if (!closed.isDone()) {
      closeReason = String.valueOf(error);
      closedAtMs = System.currentTimeMillis();
      closed.complete(LegRecord.ERROR);
    }
  }

  private void handle(String message) {
    long now = System.currentTimeMillis();
    if ("ping".equals(message)) {
      return;
    }
    JsonNode node;
    try {
      node = JSON.readTree(message);
    } catch (RuntimeException e) {
      events.add(AppEvent.other(now, message));
      return;
    }
    if (node.isArray()) {
      List<SegmentView> segments = new ArrayList<>();
      node.forEach(s -> segments.add(SegmentView.of(s)));
      events.add(AppEvent.segments(now, segments));
      return;
    }
    String type = node.path("type").asString("");
    switch (type) {
      case "segments_deleted" -> {
        List<String> ids = new ArrayList<>();
        node.path("segment_ids").forEach(id -> ids.add(id.asString()));
        events.add(AppEvent.deleted(now, ids));
      }
      case "service_status" -> events.add(AppEvent.status(now, node.path("status").asString("")));
      case "session_started" -> {
        events.add(AppEvent.other(now, message));
        resumeWindowS = node.path("resume_window_s").asLong(0);
        started.complete(node.path("session_id").asString());
      }
      case "session_resumed" -> {
        events.add(AppEvent.other(now, message));
        resumedFrames = node.path("frames").asLong(0);
        started.complete(node.path("session_id").asString());
      }
      case "audio_durable" -> durableFrames = Math.max(durableFrames, node.path("frames").asLong(0));
      case "error" -> {
        errorCode = node.path("code").asString(null);
        retryAfterSeconds = node.path("retry_after_seconds").asLong(0);
        events.add(AppEvent.other(now, message));
      }
      default -> events.add(AppEvent.other(now, message));
    }
  }
}
