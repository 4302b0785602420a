package dev.rstt.tools;

import dev.rstt.testsupport.ToneScript;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One streaming client of the bench, either an app on the gateway or a direct Deepgram client: its socket on the
 * bench's event loop ({@link BenchSockets}), its audio as frames encoded once and shared ({@link BenchFrames}), and
 * what it heard. Everything but construction runs on the event loop.
 */
final class BenchClient {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Pattern NOT_WORD = Pattern.compile("[^A-Za-z0-9]");
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final int RATE = BenchCli.RATE;
  private static final int FRAME_MS = BenchCli.FRAME_MS;
  private static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(FRAME_MS);
  final boolean direct;
  final ToneScript script;
  final BenchFrames frames;
  final Map<String, Integer> wordIndex = new HashMap<>();
  final long[] frameSentNanos;
  final long[] latencyNanos;
  final AtomicInteger heard = new AtomicInteger();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  final ConcurrentLinkedQueue<String> statuses = new ConcurrentLinkedQueue<>();
  final Map<String, Long> statusAt = new java.util.concurrent.ConcurrentHashMap<>();
  final long[] receivedNanos;
  volatile Channel channel;
  private final CompletableFuture<Void> streamed = new CompletableFuture<>();
  private long startNanos;
  private int next;

  BenchClient(boolean direct, BenchFrames frames) {
    this.direct = direct;
    this.frames = frames;
    this.script = frames.script;
    for (int i = 0; i < script.words().size(); i++) {
      wordIndex.put(script.words().get(i).text(), i);
    }
    this.frameSentNanos = new long[frames.size()];
    this.latencyNanos = new long[script.words().size()];
    this.receivedNanos = new long[script.words().size()];
    Arrays.fill(latencyNanos, -1);
  }

  int frameCount() {
    return frames.size();
  }

  void onWord(String raw, long now) {
    String word = NOT_WORD.matcher(raw).replaceAll("").toLowerCase(Locale.ROOT);
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
        for (String token : SPACES.split(segment.path("text").asString())) {
          onWord(token, now);
        }
      }
    } else if ("service_status".equals(node.path("type").asString())) {
      String status = node.path("status").asString();
      statuses.add(status);
      statusAt.putIfAbsent(status, now);
    }
  }

  CompletableFuture<Void> connect(BenchSockets sockets, String url, Map<String, String> headers) {
    return sockets.connect(url, headers, this).thenAccept(ch -> channel = ch);
  }

  /** Sends frames at real-time pace, starting after {@code delayMs}; completes after the end message. */
  CompletableFuture<Void> stream(BenchSockets sockets, long delayMs) {
    sockets.stream(this, delayMs);
    return streamed;
  }

  void startStreaming(long startNanos) {
    this.startNanos = startNanos;
    this.next = 0;
  }

  /**
   * On the tick: writes every frame due by {@code now}, then the end message once its time came (a frame's time
   * after the last frame); true when this client has nothing more to send.
   */
  boolean sendDue(long now) {
    if (closed.isDone()) {
      // a socket the other side closed (a direct client in a failover run) has nothing more to send
      streamed.complete(null);
      return true;
    }
    boolean wrote = false;
    while (next < frames.size() && startNanos + next * FRAME_NANOS <= now) {
      frameSentNanos[next] = System.nanoTime();
      channel.write(frames.frame(next), channel.voidPromise());
      next++;
      wrote = true;
    }
    if (next == frames.size() && startNanos + next * FRAME_NANOS <= now) {
      String end = direct ? "{\"type\":\"CloseStream\"}" : "{\"type\":\"stop\"}";
      channel.writeAndFlush(new TextWebSocketFrame(end)).addListener(f -> streamed.complete(null));
      return true;
    }
    if (wrote) {
      channel.flush();
    }
    return false;
  }
}
