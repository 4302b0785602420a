package dev.rstt.stt.internal;

import dev.rstt.avro.AudioChunk;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The worker's two hops of a word's way, as timers with a percentile histogram ({@code rstt_hop_*_seconds_bucket}
 * on {@code /actuator/prometheus}):
 * <ul>
 *   <li>{@value #AUDIO}: an {@code audio.frames} record's timestamp (the gateway's send) to its chunk handed to the
 *       live socket (first send only; a chunk rerouted to batch is not counted). Includes the time a chunk waits for
 *       its socket to open.
 *   <li>{@value #SEGMENTS}: a final {@code Results} message received from Deepgram to the {@code SegmentsProduced}
 *       made of it acknowledged by Kafka.
 * </ul>
 * The record timestamps of chunks not sent yet are held by (session, seq), at most {@value #MAX_HELD} of them (the
 * oldest forgotten first, so a chunk that is never sent costs nothing for long). Engine thread only.
 */
final class SttHops {

  static final String AUDIO = "rstt.hop.stt.audio";
  static final String SEGMENTS = "rstt.hop.stt.segments";
  static final int MAX_HELD = 16384;

  private record ChunkId(String sessionId, int channel, long seq) {
  }

  private final Timer audio;
  private final Timer segments;
  private final LongSupplier wallMillis;
  private final LongSupplier nanos;
  private final Map<ChunkId, Long> held = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ChunkId, Long> eldest) {
      return size() > MAX_HELD;
    }
  };

  SttHops(MeterRegistry meters, LongSupplier wallMillis, LongSupplier nanos) {
    this.wallMillis = wallMillis;
    this.nanos = nanos;
    this.audio = Timer.builder(AUDIO)
        .description("audio.frames record timestamp to its chunk handed to the live Deepgram socket")
        .publishPercentileHistogram().register(meters);
    this.segments = Timer.builder(SEGMENTS)
        .description("Deepgram final received to the SegmentsProduced made of it acknowledged by Kafka")
        .publishPercentileHistogram().register(meters);
  }

  /** A chunk read from a record with {@code recordTimestampMs}. */
  void read(AudioChunk chunk, long recordTimestampMs) {
    held.put(new ChunkId(chunk.getSessionId(), chunk.getChannel(), chunk.getSeq()), recordTimestampMs);
  }

  /** The chunk was handed to a live socket. */
  void sent(AudioChunk chunk) {
    Long read = held.remove(new ChunkId(chunk.getSessionId(), chunk.getChannel(), chunk.getSeq()));
    if (read != null) {
      audio.record(Math.max(0, wallMillis.getAsLong() - read), TimeUnit.MILLISECONDS);
    }
  }

  /** The chunk goes to batch instead: it will not be sent live. */
  void rerouted(AudioChunk chunk) {
    held.remove(new ChunkId(chunk.getSessionId(), chunk.getChannel(), chunk.getSeq()));
  }

  /** The segments of a final received at {@code receivedAtNanos} (System.nanoTime) were acknowledged. */
  void segmentsAcked(long receivedAtNanos) {
    if (receivedAtNanos >= 0) {
      segments.record(Math.max(0, nanos.getAsLong() - receivedAtNanos), TimeUnit.NANOSECONDS);
    }
  }

  int held() {
    return held.size();
  }
}
