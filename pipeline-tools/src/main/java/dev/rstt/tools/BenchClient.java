package dev.rstt.tools;

import dev.rstt.testsupport.ToneScript;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One streaming client of the bench, either an app on the gateway or a direct Deepgram client. */
final class BenchClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final int RATE = BenchCli.RATE;
  private static final int FRAME_MS = BenchCli.FRAME_MS;
  private final HttpClient http;
  private final ScheduledExecutorService pacer;
  final boolean direct;
  final ToneScript script;
  final Map<String, Integer> wordIndex = new HashMap<>();
  final long[] frameSentNanos;
  final long[] latencyNanos;
  final AtomicInteger heard = new AtomicInteger();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  final StringBuilder partial = new StringBuilder();
  final ConcurrentLinkedQueue<String> statuses = new ConcurrentLinkedQueue<>();
  final Map<String, Long> statusAt = new java.util.concurrent.ConcurrentHashMap<>();
  final long[] receivedNanos;
  WebSocket socket;
  List<byte[]> frames;

  BenchClient(boolean direct, ToneScript script, HttpClient http, ScheduledExecutorService pacer) {
    this.http = http;
    this.pacer = pacer;
    this.direct = direct;
    this.script = script;
    for (int i = 0; i < script.words().size(); i++) {
      wordIndex.put(script.words().get(i).text(), i);
    }
    this.frames = script.frames(FRAME_MS);
    this.frameSentNanos = new long[frames.size()];
    this.latencyNanos = new long[script.words().size()];
    this.receivedNanos = new long[script.words().size()];
    Arrays.fill(latencyNanos, -1);
  }

  void onWord(String raw, long now) {
    String word = raw.replaceAll("[^A-Za-z0-9]", "").toLowerCase(Locale.ROOT);
    Integer i = wordIndex.get(word);
    if (i == null || latencyNanos[i] >= 0) {
      return;
    }
    long lastSample = script.words().get(i).endSample();
    int frame = (int) Math.min(frames.size() - 1, lastSample / (RATE * FRAME_MS / 1000));
    long sent = frameSentNanos[frame];
    if (sent == 0) {
      return;
    }
    latencyNanos[i] = now - sent;
    receivedNanos[i] = now;
    heard.incrementAndGet();
  }

  void onMessage(String message) {
    long now = System.nanoTime();
    if ("ping".equals(message)) {
      return;
    }
    JsonNode node = JSON.readTree(message);
    if (direct) {
      if ("Results".equals(node.path("type").asString()) && node.path("is_final").asBoolean()) {
        for (JsonNode w : node.path("channel").path("alternatives").path(0).path("words")) {
          onWord(w.path("word").asString(), now);
        }
      }
    } else if (node.isArray()) {
      for (JsonNode segment : node) {
        for (String token : segment.path("text").asString().split("\\s+")) {
          onWord(token, now);
        }
      }
    } else if ("service_status".equals(node.path("type").asString())) {
      String status = node.path("status").asString();
      statuses.add(status);
      statusAt.putIfAbsent(status, now);
    }
  }

  CompletableFuture<Void> connect(String url, Map<String, String> headers) {
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
    headers.forEach(builder::header);
    return builder.buildAsync(URI.create(url), new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          String m = partial.toString();
          partial.setLength(0);
          try {
            onMessage(m);
          } catch (RuntimeException e) {
            // a malformed message is counted as nothing heard
          }
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        closed.complete(code);
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        closed.complete(-1);
      }
    }).thenAccept(ws -> socket = ws);
  }

  /** Sends frames at real-time pace, starting after {@code delayMs}; completes after the end message. */
  CompletableFuture<Void> stream(long delayMs) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    AtomicInteger next = new AtomicInteger();
    ScheduledFuture<?>[] task = new ScheduledFuture<?>[1];
    task[0] = pacer.scheduleAtFixedRate(() -> {
      int i = next.getAndIncrement();
      if (i > frames.size() || closed.isDone()) {
        // a socket the other side closed (a direct client in a failover run) has nothing more to send
        done.complete(null);
        task[0].cancel(false);
        return;
      }
      if (i == frames.size()) {
        String end = direct ? "{\"type\":\"CloseStream\"}" : "{\"type\":\"stop\"}";
        socket.sendText(end, true).whenComplete((v, e) -> done.complete(null));
        task[0].cancel(false);
        return;
      }
      frameSentNanos[i] = System.nanoTime();
      socket.sendBinary(ByteBuffer.wrap(frames.get(i)), true);
    }, delayMs, FRAME_MS, TimeUnit.MILLISECONDS);
    return done;
  }
}
