package dev.rstt.gateway.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An app that keeps its audio messages in a local buffer, as docs/CONTRACT.md section 10 asks: it may forget what
 * {@code audio_durable} says is durable, and after a dropped socket it resumes with {@code resume=<session_id>} and
 * resends from the index {@code session_resumed} gives it (or from an older one it names with {@code resume_from}).
 */
public final class ResumingApp {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Function<String, URI> uri;
  private final String token;
  private final String query;
  private final List<byte[]> messages;
  private final List<String> resumedFrames = new ArrayList<>();
  private AppSocket socket;
  private String sessionId;
  private int next;
  private volatile long durable;
  private volatile java.util.function.Consumer<String> extra = t -> { };

  /**
   * @param uri the gateway's {@code /v4/listen} URI for a query
   * @param messages every binary message the app will send, in order (none of at most 2 bytes)
   */
  public ResumingApp(Function<String, URI> uri, String token, String query, List<byte[]> messages) {
    this.uri = uri;
    this.token = token;
    this.query = query;
    this.messages = messages;
    assertThat(messages).allSatisfy(m -> assertThat(m.length).as("not a keepalive").isGreaterThan(2));
  }

  /** Splits PCM into messages of {@code bytes} (a short last one joins the one before). */
  public static List<byte[]> split(byte[] pcm, int bytes) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < pcm.length; i += bytes) {
      int end = pcm.length - (i + bytes) < bytes / 2 ? pcm.length : Math.min(pcm.length, i + bytes);
      byte[] m = new byte[end - i];
      System.arraycopy(pcm, i, m, 0, m.length);
      out.add(m);
      if (end == pcm.length) {
        break;
      }
    }
    return out;
  }

  public static JsonNode json(String text) {
    return JSON.readTree(text);
  }

  /** Opens the session; returns its id. */
  public String start() {
    socket = AppSocket.connect(uri.apply(query), token);
    track(socket);
    String started = socket.awaitMessage(m -> m.contains("\"session_started\""));
    sessionId = json(started).path("session_id").asString();
    assertThat(json(started).path("resume_window_s").asLong()).isPositive();
    return sessionId;
  }

  private void track(AppSocket s) {
    s.onText(text -> {
      if (text.contains("\"audio_durable\"")) {
        durable = Math.max(durable, json(text).path("frames").asLong());
      }
      extra.accept(text);
    });
  }

  /** The next resume goes to another gateway. */
  public void moveTo(Function<String, URI> gateway) {
    this.uri = gateway;
  }

  /** Also hears every text frame of this app's sockets, at arrival. */
  public void onText(java.util.function.Consumer<String> hook) {
    this.extra = hook;
  }

  /** Sends messages up to (not including) {@code end}, as fast as the socket takes them. */
  public void sendUntil(int end) {
    sendUntil(end, 0);
  }

  /** Sends messages up to (not including) {@code end}, one every {@code paceMs} (a device in real time). */
  public void sendUntil(int end, long paceMs) {
    long at = System.nanoTime();
    while (next < Math.min(end, messages.size())) {
      socket.sendBinary(messages.get(next++));
      at += paceMs * 1_000_000L;
      java.util.concurrent.locks.LockSupport.parkNanos(at - System.nanoTime());
    }
  }

  /** The TCP connection dies: no close frame, no stop. */
  public void drop() {
    socket.abort();
  }

  /**
   * Reconnects with {@code resume}; resends from the index given, or from {@code from} when not null (named with
   * {@code resume_from}). Returns the {@code session_resumed} frame.
   */
  public JsonNode resume(Long from) {
    String q = query + "&resume=" + sessionId + (from == null ? "" : "&resume_from=" + from);
    socket = AppSocket.connect(uri.apply(q), token);
    track(socket);
    String resumed = socket.awaitMessage(m -> m.contains("\"session_resumed\"") || m.contains("\"error\""));
    JsonNode node = json(resumed);
    assertThat(node.path("type").asString()).as("resumed: %s", resumed).isEqualTo("session_resumed");
    assertThat(node.path("session_id").asString()).isEqualTo(sessionId);
    long given = node.path("frames").asLong();
    assertThat(given).as("never asks for audio the app may have forgotten").isGreaterThanOrEqualTo(
        from == null ? durableSeen() : from);
    assertThat(given).as("never skips audio the app has not sent").isLessThanOrEqualTo(next);
    next = (int) (from == null ? given : from);
    resumedFrames.add(resumed);
    return node;
  }

  public void stop() {
    socket.stop();
  }

  /** Sends the rest and stop. */
  public void finish() {
    sendUntil(messages.size());
    stop();
  }

  public long durableSeen() {
    return durable;
  }

  public int sent() {
    return next;
  }

  public AppSocket socket() {
    return socket;
  }

  public String sessionId() {
    return sessionId;
  }
}
