package dev.rstt.e2e;

import dev.rstt.testsupport.SerialSends;
import dev.rstt.testsupport.ToneScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An app on the gateway's /v4/listen socket: streams tone-word audio, keeps the transcript as the app would
 * (upsert by id, {@code segments_deleted} removes).
 */
final class AppSession {

  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final ScheduledExecutorService PACER = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "app-pacer");
    t.setDaemon(true);
    return t;
  });

  private final Map<String, JsonNode> segments = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<String> statuses = Collections.synchronizedList(new ArrayList<>());
  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger deleted = new AtomicInteger();
  private final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final StringBuilder partial = new StringBuilder();
  private volatile String sessionId;
  private final SerialSends sends = new SerialSends();
  private WebSocket socket;

  static AppSession open(String gatewayHttpUrl, String token, int sampleRate) {
    return open(gatewayHttpUrl, token, "language=en&sample_rate=" + sampleRate + "&codec=pcm16&channels=1");
  }

  /** With this query string (already encoded). */
  static AppSession open(String gatewayHttpUrl, String token, String query) {
    AppSession app = new AppSession();
    String ws = gatewayHttpUrl.replaceFirst("^http", "ws") + "/v4/listen?" + query;
    app.socket = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().newWebSocketBuilder()
        .header("Authorization", "Bearer " + token)
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(URI.create(ws), app.new Listener())
        .join();
    return app;
  }

  /** Streams the script in frames of {@code frameMs}, {@code speed} times real time; completes after the last frame. */
  CompletableFuture<Void> stream(ToneScript script, double speed, int frameMs) {
    return pace(script.frames(frameMs), (long) (frameMs * 1_000_000L / speed));
  }

  /**
   * Streams a multi-channel session in omi's framing (docs/CONTRACT.md section 11): frame {@code i} of every
   * channel's script in turn, each message {@code [channel id][audio]}, ids 1, 2, ... in the order of
   * {@code scripts}; {@code speed} times real time; completes after the last frame.
   */
  CompletableFuture<Void> streamChannels(List<ToneScript> scripts, double speed, int frameMs) {
    List<byte[]> messages = new java.util.ArrayList<>();
    List<List<byte[]>> frames = scripts.stream().map(s -> s.frames(frameMs)).toList();
    int longest = frames.stream().mapToInt(List::size).max().orElse(0);
    for (int i = 0; i < longest; i++) {
      for (int c = 0; c < frames.size(); c++) {
        if (i < frames.get(c).size()) {
          byte[] audio = frames.get(c).get(i);
          byte[] message = new byte[audio.length + 1];
          message[0] = (byte) (c + 1);
          System.arraycopy(audio, 0, message, 1, audio.length);
          messages.add(message);
        }
      }
    }
    return pace(messages, (long) (frameMs * 1_000_000L / speed / scripts.size()));
  }

  /**
   * Sends {@code messages} one every {@code periodNanos}; completes after the last, or exceptionally with the first
   * send that failed (a pacer that died silently would leave a test waiting for a stream that stopped).
   */
  private CompletableFuture<Void> pace(List<byte[]> messages, long periodNanos) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger next = new AtomicInteger();
    var task = PACER.scheduleAtFixedRate(() -> {
      int i = next.getAndIncrement();
      if (i >= messages.size()) {
        done.complete(null);
        throw new IllegalStateException("done"); // cancels the periodic task
      }
      try {
        sends.binary(socket, messages.get(i)).join();
      } catch (RuntimeException e) {
        done.completeExceptionally(new IllegalStateException("message " + i + " of " + messages.size()
            + " not sent", e));
        throw e; // cancels the periodic task
      }
    }, 0, periodNanos, TimeUnit.NANOSECONDS);
    return done.whenComplete((v, e) -> task.cancel(false));
  }

  void stop() {
    sends.text(socket, "{\"type\":\"stop\"}").join();
  }

  int awaitClose(Duration timeout) throws Exception {
    return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean isClosed() {
    return closed.isDone();
  }

  String sessionId() {
    return sessionId;
  }

  List<String> statuses() {
    synchronized (statuses) {
      return List.copyOf(statuses);
    }
  }

  List<String> events() {
    synchronized (events) {
      return List.copyOf(events);
    }
  }

  /** Words in the app's transcript so far (segments grow as words are combined into them). */
  int wordsHeard() {
    int words = 0;
    for (JsonNode segment : segments()) {
      for (String token : segment.path("text").asString().split("\\s+")) {
        if (!token.isBlank()) {
          words++;
        }
      }
    }
    return words;
  }

  /** Segments the server told this app to delete (their words were replaced by better copies). */
  int segmentsDeleted() {
    return deleted.get();
  }

  List<JsonNode> segments() {
    synchronized (segments) {
      return List.copyOf(segments.values());
    }
  }

  private void handle(String message) {
    if ("ping".equals(message)) {
      sends.binary(socket, new byte[] {(byte) 0x8A, 0}); // after the audio send in flight, if any
      return;
    }
    events.add(message);
    JsonNode node = JSON.readTree(message);
    if (node.isArray()) {
      for (JsonNode segment : node) {
        segments.put(segment.path("id").asString(), segment);
      }
    } else if ("segments_deleted".equals(node.path("type").asString())) {
      for (JsonNode id : node.path("segment_ids")) {
        if (segments.remove(id.asString()) != null) {
          deleted.incrementAndGet();
        }
      }
    } else if ("session_started".equals(node.path("type").asString())) {
      sessionId = node.path("session_id").asString();
    } else if ("service_status".equals(node.path("type").asString())) {
      statuses.add(node.path("status").asString());
    }
  }

  private final class Listener implements WebSocket.Listener {
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
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }
}
