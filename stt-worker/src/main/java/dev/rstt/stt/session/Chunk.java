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
    /** Re-published to audio.degraded, not acknowledged yet. */
    REROUTING,
    /**
     * Re-published and acknowledged. Done at once, unless it may still be a recovery's overlap (the last
     * {@code recovery-overlap} of the audio on audio.degraded, or sent as overlap to a recovery connection): then
     * held until it is out of reach, covered by that connection's acknowledged finals, or re-published after it
     * died (docs/CONTRACT.md sections 3-4).
     */
    REROUTED
  }

  final AudioChunk record;
  final RecordRef ref;
  final long seq;
  final long start;
  final long end;
  final int bytes;
  State state = State.PENDING;
  Connection connection;
  /** The recovery connection this chunk was sent to as overlap, while that holds it (else null). */
  Connection prerollOf;
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

  /** Whether {@code c}'s finals make this chunk done: sent live on it, or rerouted and sent to it as overlap. */
  boolean transcribedBy(Connection c) {
    return liveOn(c) || (!done && state == State.REROUTED && prerollOf == c);
  }
}
