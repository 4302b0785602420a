package dev.rstt.stt.session;

import dev.rstt.avro.AudioChunk;
import dev.rstt.avro.SessionEnded;
import dev.rstt.avro.SessionStarted;
import dev.rstt.common.deepgram.DeepgramFailure;
import dev.rstt.stt.deepgram.FinalResult;

/** Everything that can happen to a session, as the shell reports it to {@link SessionCore#on}. */
public sealed interface Input {

  // ---- records of audio.frames

  record Started(SessionStarted record, RecordRef ref) implements Input {
  }

  record Chunk(AudioChunk record, RecordRef ref) implements Input {
  }

  record Ended(SessionEnded record, RecordRef ref) implements Input {
  }

  // ---- the deepgram-live breaker (answers to Effect.AcquirePermission, and its state changes)

  /** The breaker let one more connection attempt through. */
  record Permitted() implements Input {
  }

  /** The breaker refused a connection attempt. */
  record Denied() implements Input {
  }

  /** The breaker opened (or was forced open). */
  record BreakerOpened() implements Input {
  }

  /** The breaker went half-open or closed: calls may pass again. */
  record BreakerAllowsCalls() implements Input {
  }

  // ---- live connection {@code sttSession}

  record SocketOpened(String sttSession) implements Input {
  }

  /** The handshake failed; {@code reason} names it for stt_degraded ({@code handshake_503}, ...). */
  record ConnectFailed(String sttSession, DeepgramFailure failure, String reason, String detail) implements Input {
  }

  /** A final {@code Results} message (also proof of life). */
  record FinalReceived(String sttSession, FinalResult result) implements Input {
  }

  /** Any other message (proof of life for stall detection). */
  record MessageReceived(String sttSession) implements Input {
  }

  record SocketClosed(String sttSession, int code, String reason) implements Input {
  }

  /** IO error or failed send. */
  record SocketFailed(String sttSession, String detail) implements Input {
  }

  // ---- publishing

  /**
   * Kafka acknowledged the record published with this key. (A failed publish never reaches the core: the shell
   * retries it, in order, until Kafka acknowledges it.)
   */
  record Acked(AckKey key) implements Input {
  }

  // ---- the worker's own back-pressure

  /**
   * The worker stopped reading audio (memory bound, or publishes failing): a socket that answers nothing now is
   * not to blame, so no stall is counted until {@link ConsumptionResumed}.
   */
  record ConsumptionPaused() implements Input {
  }

  /** The worker reads audio again: open sockets get a fresh stall window. */
  record ConsumptionResumed() implements Input {
  }

  // ---- time

  /** Timers: keepalive, finalize, stall, close deadline, recovery, idle. */
  record Tick() implements Input {
  }
}
