package dev.rstt.common.deepgram;

import dev.rstt.common.concurrent.AsyncFailures;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * The one classifier of Deepgram failures, used by the live client, the pre-recorded client, their retry
 * policies and their circuit breakers' record/ignore predicates.
 *
 * <ul>
 *   <li>PERMANENT: 400, 401, 402, 403 (and other 4xx but 408/429): our request or account is wrong;
 *       retrying cannot help; log loudly, do not hammer.
 *   <li>TRANSIENT: 408, 429, 5xx, IO errors, timeouts, an unexpected close of a live socket: Deepgram or the
 *       network is unwell; retry with backoff and count against the breaker.
 * </ul>
 */
public enum DeepgramFailure {
  PERMANENT,
  TRANSIENT;

  /** Classifies an HTTP status from a handshake or a pre-recorded response (a status below 400 is not a failure). */
  public static DeepgramFailure ofStatus(int status) {
    if (status < 400) {
      throw new IllegalArgumentException("HTTP " + status + " is not a failure");
    }
    if (status == 408 || status == 429 || status >= 500) {
      return TRANSIENT;
    }
    return PERMANENT;
  }

  /** Classifies a thrown failure: a {@link DeepgramException} by its status, IO and timeouts as transient. */
  public static DeepgramFailure of(Throwable failure) {
    Throwable t = AsyncFailures.unwrap(failure);
    if (t instanceof DeepgramException dg) {
      return dg.failure();
    }
    if (t instanceof IOException || t instanceof TimeoutException || t instanceof HttpTimeoutException) {
      return TRANSIENT;
    }
    // Anything unexpected (a bug or a malformed answer) is not evidence that Deepgram is down, but retrying
    // it a bounded number of times is harmless; the breaker ignores it (see isBreakerFailure).
    return TRANSIENT;
  }

  /** Whether a failure should count against a circuit breaker: transient Deepgram/network trouble only. */
  public static boolean isBreakerFailure(Throwable failure) {
    Throwable t = AsyncFailures.unwrap(failure);
    if (t instanceof DeepgramException dg) {
      return dg.failure() == TRANSIENT;
    }
    return t instanceof IOException || t instanceof TimeoutException;
  }

  /** Whether a retry policy should retry this failure. */
  public static boolean isRetryable(Throwable failure) {
    return of(failure) == TRANSIENT;
  }
}
