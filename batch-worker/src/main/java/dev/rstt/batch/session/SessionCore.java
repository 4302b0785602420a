package dev.rstt.batch.session;

import java.util.List;

/**
 * The rules of one session on the batch path (docs/CONTRACT.md section 5), with no I/O: {@link #on} takes what
 * happened and the time, changes the session's state and returns what the shell must do, in order. No clock, no
 * randomness (ids and jitter are injected), no threads; the shell feeds a session from one thread.
 *
 * <p>The rules live in {@link AudioRules} (buffering, deduplication, cuts), {@link ChunkRules} (transcription,
 * retries, chunk_lost, the commit rule of chunk records) and {@link StatusRules} (episodes, stt_recovered,
 * batch_finished); this class routes each input to them, and every acknowledgement is one case of
 * {@link #onAcked}.
 */
public final class SessionCore {

  private final SessionState s;
  private final AudioRules audio;
  private final ChunkRules chunks;
  private final StatusRules statuses;

  /** A session this worker has no state for yet, first seen at {@code now} (nanoseconds, monotonic). */
  public SessionCore(BatchSettings settings, IdSource ids, Jitter jitter, long now) {
    this.s = new SessionState(settings, ids, jitter, now);
    this.audio = new AudioRules(s);
    this.chunks = new ChunkRules(s);
    this.statuses = new StatusRules(s, audio);
    audio.wire(chunks);
    chunks.wire(statuses);
  }

  /** Applies one input at time {@code now} (monotonic nanoseconds) and returns the effects, in order. */
  public List<Effect> on(Input input, long now) {
    if (s.mode() == SessionMode.ENDED) {
      return List.of();
    }
    s.begin(now);
    if (input instanceof Input.Audio a) {
      s.lastRecordAt = now;
      audio.onAudio(a.record(), a.ref());
    } else if (input instanceof Input.Resumed r) {
      s.lastRecordAt = now;
      statuses.onResumed(r.record(), r.ref());
    } else if (input instanceof Input.Ended e) {
      s.lastRecordAt = now;
      statuses.onEnded(e.record(), e.ref());
    } else if (input instanceof Input.Transcribed t) {
      chunks.onTranscribed(t.sttSession(), t.transcript());
    } else if (input instanceof Input.TranscriptionFailed f) {
      chunks.onFailed(f.sttSession(), f.failure(), f.detail());
    } else if (input instanceof Input.Acked acked) {
      onAcked(acked.key());
    } else if (input instanceof Input.Tick) {
      onTick();
    } else if (input instanceof Input.ForceCut) {
      audio.forceCut();
    } else if (input instanceof Input.ConsumptionPaused) {
      s.paused = true;
    } else if (input instanceof Input.ConsumptionResumed) {
      s.paused = false;
      s.lastAudioAt = now; // the silence was the worker's, not the session's
    } else if (input instanceof Input.Revoked) {
      s.finish("partition revoked");
    }
    return s.effects();
  }

  /** What each acknowledged publish lets happen next. */
  private void onAcked(AckKey key) {
    if (key instanceof AckKey.ChunkResult chunk) {
      chunks.onAcked(chunk.sttSession());
    } else if (key instanceof AckKey.Recovered recovered) {
      statuses.onAcked(recovered.n());
    } else if (key instanceof AckKey.BatchFinished finished) {
      statuses.onAcked(finished.n());
    }
    if (s.mode() == SessionMode.ENDING && s.isIdle()) {
      s.finish("batch_finished acknowledged");
    }
  }

  private void onTick() {
    audio.onTick();
    if (s.isIdle() && s.now - s.lastRecordAt > s.settings.sessionRetention().toNanos()) {
      s.finish("nothing read for " + s.settings.sessionRetention().toSeconds() + " s");
    }
  }

  // ---- views for the shell

  public SessionMode mode() {
    return s.mode();
  }

  public boolean finished() {
    return s.mode() == SessionMode.ENDED;
  }

  public String userId() {
    return s.userId;
  }

  /** Bytes of audio held in memory: the buffer and every chunk not yet acknowledged. */
  public long heldBytes() {
    long bytes = s.buffer == null ? 0 : s.buffer.bytes();
    for (BatchChunk c : s.outstanding.values()) {
      bytes += c.pcm.length;
    }
    return bytes;
  }

  /** Seconds of session audio held in memory. */
  public double heldSeconds() {
    double seconds = s.hasBufferedAudio() ? (double) s.buffer.frames() / s.buffer.sampleRate() : 0;
    for (BatchChunk c : s.outstanding.values()) {
      seconds += (double) (c.toSamples - c.fromSamples) / c.sampleRate;
    }
    return seconds;
  }

  /** Whether a batch chunk of this session waits for Deepgram or Kafka. */
  public boolean hasOutstandingChunks() {
    return !s.outstanding.isEmpty();
  }

  /** When the oldest buffered (not yet cut) audio was read, or {@link Long#MAX_VALUE} when none is buffered. */
  public long oldestBufferedAt() {
    return s.hasBufferedAudio() ? s.buffer.firstRef().readAt : Long.MAX_VALUE;
  }

  /** The open degraded episode's first sample, or -1 (for tests). */
  long episodeStart() {
    return s.episode == null ? -1 : s.episode.startSample();
  }
}
