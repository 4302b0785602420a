package dev.rstt.e2e;

import dev.rstt.testsupport.SerialSends;
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
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * An app that resumes its session after a dropped socket (docs/CONTRACT.md section 10): it keeps its audio messages,
 * aborts the TCP connection when told to (no close frame, no stop), reconnects to a gateway with
 * {@code resume=<session_id>} and sends from the index {@code session_resumed} gives. Its transcript is the segments
 * upserted by id over all its sockets, the resumed ones' snapshots included.
 */
final class ResumingApp {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final String token;
  private final Map<String, JsonNode> segments = Collections.synchronizedMap(new LinkedHashMap<>());
  private final List<String> statuses = Collections.synchronizedList(new ArrayList<>());
  private volatile Socket current;
  private volatile String sessionId;

  /** One socket and what it was told. */
  private final class Socket implements WebSocket.Listener {
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<Long> resumed = new CompletableFuture<>();
    final CompletableFuture<String> started = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    final SerialSends sends = new SerialSends();
    WebSocket ws;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        handle(this, partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode);
      resumed.completeExceptionally(new IllegalStateException("closed " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete(-1);
      resumed.completeExceptionally(error);
    }
  }

  private ResumingApp(String token) {
    this.token = token;
  }

  private static String uri(String gatewayHttpUrl, String extra) {
    return gatewayHttpUrl.replaceFirst("^http", "ws") + "/v4/listen?language=en&sample_rate=16000&codec=pcm16"
        + "&channels=1" + extra;
  }

  private Socket connect(String uri) {
    Socket s = new Socket();
    s.ws = HTTP.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(uri), s).join();
    current = s;
    return s;
  }

  static ResumingApp open(String gatewayHttpUrl, String token) throws Exception {
    ResumingApp app = new ResumingApp(token);
    Socket s = app.connect(uri(gatewayHttpUrl, ""));
    app.sessionId = s.started.get(60, TimeUnit.SECONDS);
    return app;
  }

  /** Drops the TCP connection and resumes on {@code gatewayHttpUrl}; returns the index to send from. */
  long dropAndResume(String gatewayHttpUrl) throws Exception {
    current.ws.abort();
    Socket s = connect(uri(gatewayHttpUrl, "&resume=" + sessionId));
    return s.resumed.get(60, TimeUnit.SECONDS);
  }

  void send(byte[] message) {
    Socket s = current;
    s.sends.binary(s.ws, message).join();
  }

  void stop() {
    Socket s = current;
    s.sends.text(s.ws, "{\"type\":\"stop\"}").join();
  }

  int awaitClose(Duration timeout) throws Exception {
    return current.closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  String sessionId() {
    return sessionId;
  }

  List<JsonNode> segments() {
    synchronized (segments) {
      return List.copyOf(segments.values());
    }
  }

  List<String> statuses() {
    synchronized (statuses) {
      return List.copyOf(statuses);
    }
  }

  private void handle(Socket s, String message) {
    if ("ping".equals(message)) {
      s.sends.binary(s.ws, new byte[] {(byte) 0x8A, 0}); // after the audio send in flight, if any
      return;
    }
    JsonNode node = AppSession.JSON.readTree(message);
    String type = node.path("type").asString();
    if (node.isArray()) {
      for (JsonNode segment : node) {
        segments.put(segment.path("id").asString(), segment);
      }
    } else if ("session_started".equals(type)) {
      s.started.complete(node.path("session_id").asString());
    } else if ("session_resumed".equals(type)) {
      s.resumed.complete(node.path("frames").asLong());
    } else if ("error".equals(type)) {
      s.resumed.completeExceptionally(new IllegalStateException(message));
    } else if ("service_status".equals(type)) {
      statuses.add(node.path("status").asString());
    }
  }
}
