package dev.rstt.emulator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A test client for the live endpoint on java.net.http's WebSocket: records every message and the close. */
final class LiveClient implements WebSocket.Listener {

  static final JsonMapper JSON = JsonMapper.builder().build();
  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  final List<JsonNode> messages = new CopyOnWriteArrayList<>();
  final CompletableFuture<int[]> closed = new CompletableFuture<>();
  volatile String closeReason;
  volatile String requestId;
  volatile String subprotocol;
  WebSocket socket;
  private final StringBuilder partial = new StringBuilder();

  /** Opens {@code /v1/listen?query} with {@code Authorization: Token key}. */
  static LiveClient open(DeepgramEmulator emulator, String query, String key) {
    return open(emulator, query, Map.of("Authorization", "Token " + key), null);
  }

  static LiveClient open(DeepgramEmulator emulator, String query, Map<String, String> headers, String[] protocols) {
    LiveClient client = new LiveClient();
    WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    headers.forEach(b::header);
    if (protocols != null) {
      b.subprotocols(protocols[0], java.util.Arrays.copyOfRange(protocols, 1, protocols.length));
    }
    client.socket = b.buildAsync(URI.create(emulator.wsUrl() + "/v1/listen?" + query), client).join();
    client.subprotocol = client.socket.getSubprotocol();
    return client;
  }

  /** Tries to open and returns the handshake's HTTP response when it is refused. */
  static HttpResponse<String> refused(DeepgramEmulator emulator, String query, Map<String, String> headers) {
    WebSocket.Builder b = HTTP.newWebSocketBuilder();
    headers.forEach(b::header);
    try {
      b.buildAsync(URI.create(emulator.wsUrl() + "/v1/listen?" + query), new LiveClient()).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        @SuppressWarnings("unchecked")
        HttpResponse<String> r = (HttpResponse<String>) h.getResponse();
        return r;
      }
      throw e;
    }
    throw new AssertionError("handshake was accepted");
  }

  void sendAudio(byte[] pcm) {
    socket.sendBinary(ByteBuffer.wrap(pcm), true).join();
  }

  void sendFrames(List<byte[]> frames) {
    for (byte[] f : frames) {
      sendAudio(f);
    }
  }

  void sendText(String text) {
    socket.sendText(text, true).join();
  }

  List<JsonNode> ofType(String type) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode m : messages) {
      if (type.equals(m.get("type").stringValue())) {
        out.add(m);
      }
    }
    return out;
  }

  List<JsonNode> finals() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode m : ofType("Results")) {
      if (m.get("is_final").booleanValue()) {
        out.add(m);
      }
    }
    return out;
  }

  /** Words of all final results, in order. */
  List<JsonNode> finalWords() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode r : finals()) {
      for (JsonNode w : r.get("channel").get("alternatives").get(0).get("words")) {
        out.add(w);
      }
    }
    return out;
  }

  int[] awaitClose() {
    try {
      return closed.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("socket did not close; messages: " + messages, e);
    }
  }

  @Override
  public void onOpen(WebSocket webSocket) {
    webSocket.request(Long.MAX_VALUE);
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      messages.add(JSON.readTree(partial.toString()));
      partial.setLength(0);
    }
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeReason = reason;
    closed.complete(new int[] {statusCode});
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    closed.complete(new int[] {1006});
  }
}
