package dev.rstt.stt.session;

/**
 * What a publish was for. Every publish effect carries one; the shell hands it back in {@link Input.Acked} once
 * Kafka acknowledged the record, so "what happens when the reroute of chunk N is acknowledged" is one case in
 * {@link SessionCore}.
 */
public sealed interface AckKey {

  /** {@code SegmentsProduced} {@code seq} of live connection {@code sttSession}. */
  record Segments(String sttSession, long seq) implements AckKey {
  }

  /** Chunk {@code seq} re-published to audio.degraded. */
  record Reroute(long seq) implements AckKey {
  }

  /** {@code stt_degraded} of degraded episode {@code episode} (numbered from 1 within the session). */
  record Degraded(int episode) implements AckKey {
  }

  /** {@code LiveResumed} naming live connection {@code sttSession} (a recovery, or a cold take-over). */
  record LiveResumed(String sttSession, boolean coldTakeover) implements AckKey {
  }

  /** {@code ready} of the session's first live connection. */
  record Ready(String sttSession) implements AckKey {
  }

  /** {@code live_finished}. */
  record LiveFinished() implements AckKey {
  }

  /** The session's {@code SessionEnded} forwarded to audio.degraded. */
  record EndForwarded() implements AckKey {
  }
}
