package dev.rstt.batch.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SessionEnded;
import dev.rstt.batch.deepgram.Transcript;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.schemas.Statuses;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Drives one batch {@link SessionCore} in unit tests: a clock in milliseconds, chunk ids b-1, b-2, ..., jitter
 * that lands on the middle of its range (so a retry waits exactly its base back-off), short chunk settings
 * (min-chunk 1 s, max-chunk 3 s, quiet-search 1 s, idle-flush 2 s), and a session tape of 16 kHz mono audio
 * written with {@link #tone} and {@link #silence}, read back as 100 ms degraded chunks.
 */
final class Driver {

  static final String ID = "S1";
  static final int RATE = 16_000;
  static final int CHUNK = 1_600;
  static final long MS = 1_000_000L;
  static final BatchSettings SETTINGS = new BatchSettings(Duration.ofSeconds(1), Duration.ofSeconds(3),
      Duration.ofMillis(20), Duration.ofMillis(100), 500, Duration.ofSeconds(1), Duration.ofSeconds(2),
      Duration.ofSeconds(60), Duration.ofMillis(500), 2.0, 0.5, Duration.ofSeconds(30));

  /** A record's place in its partition, by name ("c3" for chunk 3, "r" for a LiveResumed...). */
  record Ref(String name) implements RecordRef {
  }

  final SessionCore core;
  private short[] tape = new short[0];
  private long nowMs;
  private int nextId = 1;

  Driver() {
    this(SETTINGS);
  }

  Driver(BatchSettings settings) {
    this.core = new SessionCore(settings, () -> "b-" + nextId++, bound -> bound / 2, 0);
  }

  long nowMs() {
    return nowMs;
  }

  Driver at(long ms) {
    nowMs = ms;
    return this;
  }

  List<Effect> on(Input input) {
    return core.on(input, nowMs * MS);
  }

  /** Advances the clock by {@code ms} and ticks. */
  List<Effect> tickAfter(long ms) {
    nowMs += ms;
    return on(new Input.Tick());
  }

  // ---- the session tape

  /** Appends {@code ms} of a 440 Hz tone of {@code amplitude} to the tape. */
  Driver tone(int ms, int amplitude) {
    int n = ms * RATE / 1000;
    int at = grow(n);
    for (int i = 0; i < n; i++) {
      tape[at + i] = (short) (amplitude * Math.sin(2 * Math.PI * 440 * (at + i) / RATE));
    }
    return this;
  }

  Driver tone(int ms) {
    return tone(ms, 8_000);
  }

  Driver silence(int ms) {
    grow(ms * RATE / 1000);
    return this;
  }

  private int grow(int n) {
    int at = tape.length;
    tape = Arrays.copyOf(tape, at + n);
    return at;
  }

  /** The tape's samples [from, to) as PCM16LE. */
  byte[] pcm(long from, long to) {
    ByteBuffer b = ByteBuffer.allocate((int) (to - from) * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    for (long i = from; i < to; i++) {
      b.putShort(tape[(int) i]);
    }
    return b.array();
  }

  /** Degraded chunk {@code seq}: the tape's 100 ms at {@code seq * 1600}. */
  AudioChunk chunk(long seq) {
    return audio(seq, seq * CHUNK, (seq + 1) * CHUNK);
  }

  AudioChunk audio(long seq, long from, long to) {
    return AudioChunk.newBuilder().setSessionId(ID).setUserId("u1").setSeq(seq).setOffsetSamples(from)
        .setSampleRate(RATE).setChannels(1).setLanguage("en").setPcm(ByteBuffer.wrap(pcm(from, to))).build();
  }

  Input.Audio chunkInput(long seq) {
    return new Input.Audio(chunk(seq), c(seq));
  }

  /** Chunk {@code seq} again, as another record (a redelivery, or a new episode's copy). */
  Input.Audio chunkInput(long seq, String ref) {
    return new Input.Audio(chunk(seq), new Ref(ref));
  }

  /** Feeds chunks {@code first..last} (inclusive); returns the effects of all. */
  List<Effect> feed(long first, long last) {
    List<Effect> all = new java.util.ArrayList<>();
    for (long seq = first; seq <= last; seq++) {
      all.addAll(on(chunkInput(seq)));
    }
    return all;
  }

  static Ref c(long seq) {
    return new Ref("c" + seq);
  }

  static Input.Resumed resumedInput(long at, String ref) {
    return new Input.Resumed(LiveResumed.newBuilder().setSessionId(ID).setUserId("u1").setResumeOffsetSamples(at)
        .setSampleRate(RATE).setLiveSttSession("live-1").setColdTakeover(false).build(), new Ref(ref));
  }

  static Input.Ended endedInput(long end, String ref) {
    return new Input.Ended(SessionEnded.newBuilder().setSessionId(ID).setUserId("u1").setLastSeq(end / CHUNK - 1)
        .setEndOffsetSamples(end).setSampleRate(RATE).setReason("stop").build(), new Ref(ref));
  }

  static Input.Acked acked(AckKey key) {
    return new Input.Acked(key);
  }

  static Input.Acked ackedChunk(String stt) {
    return acked(new AckKey.ChunkResult(stt));
  }

  static Transcript words(String... words) {
    List<Transcript.Word> ws = new java.util.ArrayList<>();
    for (int i = 0; i < words.length; i++) {
      ws.add(new Transcript.Word(words[i], words[i], 0.1 + i * 0.3, 0.36 + i * 0.3, 0.9f, 0));
    }
    return new Transcript(List.copyOf(ws), "req");
  }

  static Input.TranscriptionFailed failed(String stt, DeepgramFailure failure) {
    return new Input.TranscriptionFailed(stt, failure, failure == DeepgramFailure.PERMANENT ? "HTTP 401" : "HTTP 503");
  }

  // ---- effects

  Effect.Transcribe transcribe(String stt, long from, long to, long chunkSeq) {
    return transcribe(stt, from, to, chunkSeq, 0, 0, 0);
  }

  Effect.Transcribe transcribe(String stt, long from, long to, long chunkSeq, long oldestAtMs, int rounds,
      long notBeforeMs) {
    return new Effect.Transcribe(stt, from, to, RATE, 1, "en", java.util.List.of(), ByteBuffer.wrap(pcm(from, to)),
        oldestAtMs * MS, chunkSeq, rounds, notBeforeMs * MS);
  }

  static Effect.ChunkCut cut(String stt, long from, long to, String why) {
    return new Effect.ChunkCut(stt, from, to, why, false);
  }

  static Effect.Publish segments(String stt, long from, long to, Transcript transcript) {
    return new Effect.Publish(new AckKey.ChunkResult(stt),
        new Outbound.Segments(stt, from, to, RATE, transcript, false));
  }

  static Effect.Publish silentSegments(String stt, long from, long to) {
    return new Effect.Publish(new AckKey.ChunkResult(stt),
        new Outbound.Segments(stt, from, to, RATE, Transcript.empty(), true));
  }

  static Effect.Publish recovered(long n, long at, Long degradedTo, double durationS) {
    return new Effect.Publish(new AckKey.Recovered(n),
        new Outbound.Status(Statuses.STT_RECOVERED, null, Map.of(), at, degradedTo, durationS, RATE));
  }

  static Effect.Publish batchFinished(long n, long at, Long degradedTo) {
    return new Effect.Publish(new AckKey.BatchFinished(n),
        new Outbound.Status(Statuses.BATCH_FINISHED, null, Map.of(), at, degradedTo, null, RATE));
  }

  static Effect.Publish chunkLost(String stt, long from, long to, String reason) {
    return new Effect.Publish(new AckKey.ChunkResult(stt), new Outbound.Status(Statuses.CHUNK_LOST, stt,
        Map.of("from_s", String.format("%.3f", (double) from / RATE), "to_s", String.format("%.3f", (double) to / RATE),
            "reason", reason), from, null, null, RATE));
  }

  static Effect.RecordDone done(String ref) {
    return new Effect.RecordDone(new Ref(ref));
  }

  static Effect.RecordDone done(long seq) {
    return new Effect.RecordDone(c(seq));
  }

  /** RecordDone of chunks {@code first..last}, in order. */
  static Effect[] doneChunks(long first, long last) {
    Effect[] out = new Effect[(int) (last - first + 1)];
    for (long s = first; s <= last; s++) {
      out[(int) (s - first)] = done(s);
    }
    return out;
  }
}
