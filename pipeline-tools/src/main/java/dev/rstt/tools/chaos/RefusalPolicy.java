package dev.rstt.tools.chaos;

/**
 * What the app model does when a socket ends before {@code session_started} / {@code session_resumed}
 * (docs/CONTRACT.md sections 8 to 10, omi-compatibility.md section 4). Only one answer ends a session for the app:
 * {@code session_not_resumable} (the session ended, expired, or is not the app's: after {@code stop} the stored
 * transcript tells the rest, before it the app starts a new session from the first message no
 * {@code audio_durable} covered). ({@code resume_mismatch} would too, but this app always resumes with the
 * session's parameters.) Everything else is "not now" and is retried, on the same session, with back-off:
 * {@code resume_unavailable} (session.positions cannot be read or written: a broker away), {@code kafka_unavailable},
 * {@code internal_error}, a connection limit, {@code invalid_resume_from} (the app resends from the index the gateway
 * gives next time), {@code session_taken_over} during the claim, and a gateway that does not answer at all. Pure.
 */
public final class RefusalPolicy {

  /** No retry waits longer: a window reopened after an outage (60 s by default) is never slept through. */
  static final long MAX_DELAY_MS = 10_000;
  static final long FIRST_DELAY_MS = 1_000;

  private RefusalPolicy() {
  }

  /** The session is over for the app ({@code ended}), or it tries again after {@code delayMs}. */
  public record Next(boolean ended, long delayMs) {
  }

  /**
   * @param resuming the socket asked to resume a session
   * @param errorCode the {@code error} message's code, or null (no answer: a gateway down, a refused upgrade)
   * @param attempt how many times in a row this app was refused before (0 for the first refusal)
   * @param retryAfterSeconds the answer's {@code retry_after_seconds} (0: none)
   */
  public static Next next(boolean resuming, String errorCode, int attempt, long retryAfterSeconds) {
    if (resuming && LegRecord.NOT_RESUMABLE.equals(errorCode)) {
      return new Next(true, 0);
    }
    long backOff = FIRST_DELAY_MS << Math.min(Math.max(attempt, 0), 4);
    return new Next(false, Math.min(MAX_DELAY_MS, Math.max(backOff, retryAfterSeconds * 1000)));
  }
}
