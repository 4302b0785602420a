package dev.rstt.tools;

import dev.rstt.common.audio.WavFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Streams a WAV file through the gateway at real-time pace (or N times faster), as an omi app would, and prints
 * the live transcript and status events as they come, then the final transcript read back over HTTP.
 *
 * <pre>stream [--url http://127.0.0.1:8080] [--token T] [--speed N] [--frame-ms 100] [--language en] [--keyterm T]...
 *        [--drop-at SECONDS[,SECONDS...]] FILE.wav</pre>
 * The token defaults to the environment variable {@code RSTT_TOKEN}. {@code --drop-at} aborts the TCP connection
 * (no close frame, no stop) once that much audio is sent, reconnects with {@code resume=<session_id>} and resends
 * from the message index {@code session_resumed} gives (docs/CONTRACT.md section 10).
 */
public final class StreamCli {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Map<String, JsonNode> segments = new TreeMap<>();
  private final StringBuilder partial = new StringBuilder();
  private volatile Listener current;
  private volatile String sessionId;

  public static void main(String[] args) throws Exception {
    String url = "http://127.0.0.1:" + System.getenv().getOrDefault("GATEWAY_PORT", "8080");
    String token = System.getenv("RSTT_TOKEN");
    double speed = 1.0;
    int frameMs = 100;
    String language = "en";
    StringBuilder keyterms = new StringBuilder();
    String file = null;
    java.util.List<Double> dropAt = new java.util.ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = args[++i];
        case "--token" -> token = args[++i];
        case "--speed" -> speed = Double.parseDouble(args[++i]);
        case "--frame-ms" -> frameMs = Integer.parseInt(args[++i]);
        case "--language" -> language = args[++i];
        case "--keyterm" -> keyterms.append("&keyterm=")
            .append(java.net.URLEncoder.encode(args[++i], java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        case "--drop-at" -> {
          for (String d : args[++i].split(",")) {
            dropAt.add(Double.parseDouble(d));
          }
        }
        default -> file = args[i];
      }
    }
    if (file == null || token == null || token.isBlank() || speed <= 0 || frameMs < 10 || frameMs > 1000) {
      System.err.println("usage: stream [--url URL] [--token T|RSTT_TOKEN] [--speed N>0] [--frame-ms 10..1000]"
          + " [--language en] [--keyterm TERM]... [--drop-at SECONDS[,SECONDS...]] FILE.wav");
      System.exit(2);
    }
    System.exit(new StreamCli().run(url, token, speed, frameMs, language, keyterms.toString(), Path.of(file),
        dropAt.stream().sorted().toList()));
  }

  /** {@code keyterms}: {@code &keyterm=...} per term, encoded (empty for none). */
  int run(String url, String token, double speed, int frameMs, String language, String keyterms, Path file,
      java.util.List<Double> drops) throws Exception {
    WavFile wav = WavFile.parse(Files.readAllBytes(file));
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    String ws = url.replaceFirst("^http", "ws") + "/v4/listen?language=" + language + keyterms + "&sample_rate="
        + wav.sampleRate() + "&codec=pcm16&channels=" + wav.channels();
    System.out.printf("streaming %s (%d Hz, %d ch, %.1f s) at %sx to %s%n", file, wav.sampleRate(), wav.channels(),
        wav.pcm().length / (2.0 * wav.channels() * wav.sampleRate()), speed, ws);
    WebSocket socket = connect(http, ws, token);

    int frameBytes = wav.sampleRate() * wav.channels() * 2 * frameMs / 1000;
    long start = System.nanoTime();
    long frameNanos = (long) (frameMs * 1_000_000L / speed);
    byte[] pcm = wav.pcm();
    int messages = (pcm.length + frameBytes - 1) / frameBytes; // the app's buffer: every message stays indexable
    int nextDrop = 0;
    for (int n = 0; n < messages && !current.closed.isDone(); n++) {
      if (nextDrop < drops.size() && n * frameMs / 1000.0 >= drops.get(nextDrop) && sessionId != null) {
        nextDrop++;
        System.out.printf("-- dropping the connection after %.1f s of audio (message %d)%n", n * frameMs / 1000.0, n);
        socket.abort();
        socket = connect(http, ws + "&resume=" + sessionId, token);
        long from = current.resumed.get(30, TimeUnit.SECONDS);
        System.out.println("-- resumed: resending from message " + from);
        n = (int) from;
        start = System.nanoTime() - n * frameNanos;
        if (n >= messages) {
          break;
        }
      }
      long wait = start + n * frameNanos - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int i = n * frameBytes;
      socket.sendBinary(ByteBuffer.wrap(pcm, i, Math.min(frameBytes, pcm.length - i)), true).get(10, TimeUnit.SECONDS);
    }
    CompletableFuture<Integer> closed = current.closed;
    if (!closed.isDone()) {
      socket.sendText("{\"type\":\"stop\"}", true).get(10, TimeUnit.SECONDS);
      System.out.println("-- audio sent; waiting for the transcript to complete");
    }
    int code = closed.get(180, TimeUnit.SECONDS);
    System.out.println("-- socket closed with " + code);
    if (sessionId == null) {
      return 1;
    }
    TranscriptReader.Result read = new TranscriptReader(http, url, Duration.ofSeconds(10)).read(sessionId, token);
    if (!read.ok()) {
      System.out.println("-- transcript: HTTP " + read.refused().status() + " " + read.refused().body());
      return 1;
    }
    JsonNode transcript = read.transcript();
    System.out.println("== final transcript of " + sessionId + " (complete: "
        + transcript.path("complete").asBoolean() + ")");
    for (JsonNode segment : transcript.path("segments")) {
      System.out.println(line(segment));
    }
    return code == 1000 ? 0 : 1;
  }

  private WebSocket connect(HttpClient http, String ws, String token) throws Exception {
    current = new Listener();
    return http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
        .connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(ws), current).get(15, TimeUnit.SECONDS);
  }

  private static String line(JsonNode s) {
    return String.format(Locale.ROOT, "  [%7.2f - %7.2f] %s: %s", s.path("start").asDouble(), s.path("end").asDouble(),
        s.path("speaker").asString(), s.path("text").asString());
  }

  private final class Listener implements WebSocket.Listener {
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    final CompletableFuture<Long> resumed = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        handle(webSocket, message, this);
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
      System.out.println("-- socket error: " + error);
      closed.complete(-1);
    }
  }

  private void handle(WebSocket webSocket, String message, Listener listener) {
    if ("ping".equals(message)) {
      webSocket.sendBinary(ByteBuffer.wrap(new byte[] {(byte) 0x8A, 0}), true);
      return;
    }
    JsonNode node = JSON.readTree(message);
    if (node.isArray()) {
      for (JsonNode segment : node) {
        boolean update = segments.containsKey(segment.path("id").asString());
        segments.put(segment.path("id").asString(), segment);
        System.out.println((update ? "~ " : "+ ") + line(segment).strip());
      }
    } else if ("segments_deleted".equals(node.path("type").asString())) {
      for (JsonNode id : node.path("segment_ids")) { // a better copy of its words replaced them
        JsonNode gone = segments.remove(id.asString());
        if (gone != null) {
          System.out.println("- " + line(gone).strip());
        }
      }
    } else if ("session_started".equals(node.path("type").asString())) {
      sessionId = node.path("session_id").asString();
      System.out.println("session " + sessionId);
    } else if ("session_resumed".equals(node.path("type").asString())) {
      listener.resumed.complete(node.path("frames").asLong());
    } else if ("audio_durable".equals(node.path("type").asString())) {
      return; // the app could drop its buffer up to here; this tool keeps the whole file anyway
    } else if ("error".equals(node.path("type").asString()) && !listener.resumed.isDone()) {
      System.out.println("event: " + message);
      listener.resumed.completeExceptionally(new IllegalStateException("resume refused: " + message));
    } else if ("service_status".equals(node.path("type").asString())) {
      System.out.println("status: " + node.path("status").asString()
          + (node.path("metadata").isObject() ? " " + node.path("metadata") : ""));
    } else {
      System.out.println("event: " + message);
    }
  }
}
