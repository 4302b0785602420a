package dev.rstt.stt.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.schemas.Statuses;
import dev.rstt.stt.deepgram.FinalResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Drives one {@link SessionCore} in unit tests: a clock in milliseconds, connection ids stt-1, stt-2, ..., no
 * jitter, and builders for the session's records (100 ms chunks of 16 kHz mono) and the effects to expect.
 */
final class Driver {

  static final String ID = "S1";
  static final int RATE = 16_000;
  static final int CHUNK_SAMPLES = 1_600;

  /** A record's place in its partition, by name ("c3" for chunk 3, "start", "end"). */
  record Ref(String name) implements RecordRef {
  }

  final SessionSettings settings;
  final SessionCore core;
  /** Every record the core said is done (the shell's commit rule), in order. */
  final List<RecordRef> done = new ArrayList<>();
  private long nowMs;
  private int nextId = 1;

  Driver() {
    this(SessionSettings.defaults());
  }

  Driver(SessionSettings settings) {
    this.settings = settings;
    this.core = new SessionCore(settings, () -> "stt-" + nextId++, bound -> 0, 0);
  }

  long nowMs() {
    return nowMs;
  }

  Driver at(long ms) {
    nowMs = ms;
    return this;
  }

  List<Effect> on(Input input) {
    List<Effect> effects = core.on(input, nowMs * 1_000_000L);
    effects.stream().filter(e -> e instanceof Effect.RecordDone).forEach(e -> done.add(((Effect.RecordDone) e).ref()));
    return effects;
  }

  /** The lowest chunk of seq 0..{@code chunks - 1} not done: where a worker taking the partition over re-reads. */
  long firstChunkNotDone(long chunks) {
    for (long seq = 0; seq < chunks; seq++) {
      if (!done.contains(c(seq))) {
        return seq;
      }
    }
    return chunks;
  }

  /** Advances the clock by {@code ms} and ticks. */
  List<Effect> tickAfter(long ms) {
    nowMs += ms;
    return on(new Input.Tick());
  }

  // ---- records

  static AudioChunk chunk(long seq) {
    return chunkAt(seq, seq * CHUNK_SAMPLES);
  }

  static AudioChunk chunkAt(long seq, long offsetSamples) {
    return AudioChunk.newBuilder().setSessionId(ID).setUserId("u1").setSeq(seq).setOffsetSamples(offsetSamples)
        .setSampleRate(RATE).setChannels(1).setLanguage("en").setPcm(ByteBuffer.wrap(new byte[CHUNK_SAMPLES * 2]))
        .build();
  }

  static SessionStarted started() {
    return SessionStarted.newBuilder().setSessionId(ID).setUserId("u1").setLanguage("en").setSampleRate(RATE)
        .setChannels(1).setCodec("pcm16").setStartedAtMs(0).build();
  }

  static SessionEnded ended(long chunks) {
    return SessionEnded.newBuilder().setSessionId(ID).setUserId("u1").setLastSeq(chunks - 1)
        .setEndOffsetSamples(chunks * CHUNK_SAMPLES).setSampleRate(RATE).setReason("stop").build();
  }

  static Ref c(long seq) {
    return new Ref("c" + seq);
  }

  static final Ref START = new Ref("start");
  static final Ref END = new Ref("end");

  static Input.Started startedInput() {
    return new Input.Started(started(), START);
  }

  static Input.Chunk chunkInput(long seq) {
    return new Input.Chunk(chunk(seq), c(seq));
  }

  static Input.Ended endedInput(long chunks) {
    return new Input.Ended(ended(chunks), END);
  }

  /**
   * A final of connection {@code stt} whose window ends {@code cursorSeconds} after its first sample, its last word
   * ending there (so no word can have started before its end).
   */
  static Input.FinalReceived fin(String stt, double cursorSeconds, String... words) {
    List<FinalResult.Word> ws = new ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      double start = Math.max(0, cursorSeconds - 0.26 - 0.3 * (words.length - 1 - i));
      ws.add(new FinalResult.Word(words[i], words[i], start, start + 0.26, 0.9f, 0));
    }
    return new Input.FinalReceived(stt, new FinalResult(0, cursorSeconds, false, ws));
  }

  static Input.ConnectFailed refused(String stt, int status) {
    return new Input.ConnectFailed(stt, DeepgramFailure.ofStatus(status), "handshake_" + status,
        "HTTP " + status);
  }

  static Input.Acked acked(AckKey key) {
    return new Input.Acked(key);
  }

  // ---- effects

  static Effect.Publish reroute(long seq) {
    return new Effect.Publish(new AckKey.Reroute(seq), new Outbound.Reroute(chunk(seq)));
  }

  static Effect.SendAudio send(String stt, long seq) {
    return new Effect.SendAudio(stt, chunk(seq));
  }

  static Effect.RecordDone done(Ref ref) {
    return new Effect.RecordDone(ref);
  }

  static Effect.Publish ready(String stt, long at) {
    return new Effect.Publish(new AckKey.Ready(stt), new Outbound.Status(Statuses.READY, stt, Map.of(), at));
  }

  /** stt_degraded of {@code episode} from sample {@code from}, naming the live connection that died (or null). */
  static Effect.Publish degraded(int episode, String reason, long from, String died) {
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("batch_mode", "true");
    metadata.put("batch_interval_seconds", "30");
    metadata.put("reason", reason);
    return new Effect.Publish(new AckKey.Degraded(episode),
        new Outbound.Status(Statuses.STT_DEGRADED, died, metadata, from));
  }

  static Effect.Publish liveFinished(String stt, long at) {
    return new Effect.Publish(new AckKey.LiveFinished(),
        new Outbound.Status(Statuses.LIVE_FINISHED, stt, Map.of(), at));
  }

  static Effect.Publish resumed(String stt, long at, boolean cold) {
    return new Effect.Publish(new AckKey.LiveResumed(stt, cold), new Outbound.Resumed(at, stt, cold));
  }

  static Effect.OpenSocket open(String stt, boolean recovery) {
    return new Effect.OpenSocket(stt, "en", RATE, 1, java.util.List.of(), recovery);
  }

  static SessionSettings withIdle(Duration idle) {
    SessionSettings d = SessionSettings.defaults();
    return new SessionSettings(d.stallTimeout(), d.finalizeAfter(), d.maxUnfinalized(), d.keepaliveInterval(),
        d.closeTimeout(), d.recoverySpread(), d.recoveryOverlap(), d.reconnectDelay(), d.breakerOpenWait(),
        d.batchInterval(), idle);
  }

  // ---- common openings

  /** SessionStarted, chunk 0, the breaker permits, the socket opens: LIVE on stt-1 with chunk 0 sent. */
  Driver live() {
    on(startedInput());
    on(chunkInput(0));
    on(new Input.Permitted());
    on(new Input.SocketOpened("stt-1"));
    return this;
  }
}
