package dev.rstt.batch.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.LiveResumed;
import dev.rstt.avro.SessionEnded;
import dev.rstt.batch.deepgram.Transcript;
import dev.rstt.common.deepgram.DeepgramFailure;

/** Everything that can happen to a session on the batch path, as the shell reports it to {@link SessionCore#on}. */
public sealed interface Input {

  // ---- records of audio.degraded

  /** A degraded chunk read from {@code audio.degraded} (validated by the shell). */
  record Audio(AudioChunk record, RecordRef ref) implements Input {
  }

  record Resumed(LiveResumed record, RecordRef ref) implements Input {
  }

  record Ended(SessionEnded record, RecordRef ref) implements Input {
  }

  // ---- Deepgram pre-recorded (answers to Effect.Transcribe)

  /** Batch chunk {@code sttSession} was transcribed. */
  record Transcribed(String sttSession, Transcript transcript) implements Input {
  }

  /**
   * Batch chunk {@code sttSession} could not be transcribed: a permanent error, or a transient one whose retries
   * (Resilience4j, in the shell) were exhausted.
   */
  record TranscriptionFailed(String sttSession, DeepgramFailure failure, String detail) implements Input {
  }

  // ---- publishing

  /**
   * Kafka acknowledged the record published with this key. (A failed publish never reaches the core: the shell
   * sends it again, in order, until Kafka acknowledges it.)
   */
  record Acked(AckKey key) implements Input {
  }

  // ---- the worker

  /** Timers: idle flush, retention. */
  record Tick() implements Input {
  }

  /**
   * The worker stopped reading (memory cap, or publishes failing): silence from now on is the worker's, not the
   * session's, so no idle flush until {@link ConsumptionResumed}.
   */
  record ConsumptionPaused() implements Input {
  }

  /** The worker reads again: the idle clock starts afresh. */
  record ConsumptionResumed() implements Input {
  }

  /**
   * Paused at the memory cap with no chunk outstanding anywhere, and this session holds the oldest buffered audio:
   * cut its buffer now (at its last silence) so memory can be freed.
   */
  record ForceCut() implements Input {
  }

  /** The session's partition was revoked or lost: forget everything; the next owner re-reads what is not done. */
  record Revoked() implements Input {
  }

  /** The batch chunk an input is about, or null. */
  static String sttSessionOf(Input input) {
    if (input instanceof Transcribed t) {
      return t.sttSession();
    } else if (input instanceof TranscriptionFailed f) {
      return f.sttSession();
    } else if (input instanceof Acked a && a.key() instanceof AckKey.ChunkResult c) {
      return c.sttSession();
    }
    return null;
  }
}
