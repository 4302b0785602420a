package dev.rstt.batch.session;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * A cut of one session's audio on its way to Deepgram and Kafka: its range on the session timeline, its audio, its
 * own {@code stt_session}, and the records that wait for its result to be acknowledged.
 */
final class BatchChunk {

  enum State {
    /** Sent to (or waiting for) Deepgram. */
    TRANSCRIBING,
    /** Its SegmentsProduced or chunk_lost is published, not yet acknowledged. */
    PUBLISHING
  }

  final String sttSession;
  final long seq;
  final long fromSamples;
  final long toSamples;
  final int sampleRate;
  final int channels;
  final byte[] pcm;
  final List<HeldRecord> records;
  final long oldestAudioAt;
  final boolean silent;
  State state = State.TRANSCRIBING;
  int failedRounds;

  BatchChunk(String sttSession, long seq, long fromSamples, long toSamples, int sampleRate, int channels, byte[] pcm,
      List<HeldRecord> records, long oldestAudioAt, boolean silent) {
    this.sttSession = sttSession;
    this.seq = seq;
    this.fromSamples = fromSamples;
    this.toSamples = toSamples;
    this.sampleRate = sampleRate;
    this.channels = channels;
    this.pcm = pcm;
    this.records = records;
    this.oldestAudioAt = oldestAudioAt;
    this.silent = silent;
  }

  Effect.Transcribe request(String language, java.util.List<String> keyterms, long notBefore) {
    return new Effect.Transcribe(sttSession, fromSamples, toSamples, sampleRate, channels, language, keyterms,
        ByteBuffer.wrap(pcm).asReadOnlyBuffer(), oldestAudioAt, seq, failedRounds, notBefore);
  }

  double fromSeconds() {
    return (double) fromSamples / sampleRate;
  }

  double toSeconds() {
    return (double) toSamples / sampleRate;
  }

  @Override
  public String toString() {
    return String.format("chunk %s [%.3f s, %.3f s)", sttSession, fromSeconds(), toSeconds());
  }
}
