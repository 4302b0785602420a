package dev.rstt.stt.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.common.audio.Pcm;

/** One AudioChunk a session holds until it is done (docs/CONTRACT.md section 3). */
final class Chunk implements Preroll.Span {

  enum State {
    /** Not sent anywhere yet (held while connecting, resuming or closing). */
    PENDING,
    /** Sent on {@link #connection}; done when a final covering it is acknowledged. */
    LIVE,
    /** Re-published to audio.degraded; done when that is acknowledged. */
    REROUTING
  }

  final AudioChunk record;
  final RecordRef ref;
  final long seq;
  final long start;
  final long end;
  final int bytes;
  State state = State.PENDING;
  Connection connection;
  /** The degraded episode that rerouted this chunk (0 while not rerouted). */
  int rerouteEpisode;
  long sentAt;
  boolean done;

  Chunk(AudioChunk record, RecordRef ref) {
    this.record = record;
    this.ref = ref;
    this.seq = record.getSeq();
    this.start = record.getOffsetSamples();
    this.bytes = record.getPcm().remaining();
    this.end = start + Pcm.frames(bytes, record.getChannels());
  }

  @Override
  public long start() {
    return start;
  }

  @Override
  public long end() {
    return end;
  }

  boolean liveOn(Connection c) {
    return !done && state == State.LIVE && connection == c;
  }
}
