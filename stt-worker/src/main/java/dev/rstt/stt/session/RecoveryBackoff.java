package dev.rstt.stt.session;

import dev.rstt.common.deepgram.DeepgramFailure;

/**
 * When a degraded session tries live again (nanoseconds from now). After a transient failure: reconnect-delay,
 * doubling per consecutive failure, capped at the breaker's open wait, plus up to a quarter of it as jitter; after
 * a permanent one (400-403): the full open wait plus jitter. When the breaker refused: a fresh spread of at least
 * 200 ms. When the breaker lets calls through again: spread over recovery-spread.
 */
final class RecoveryBackoff {

  static final long MIN_AFTER_DENIED_NANOS = 200_000_000L;

  private final long base;
  private final long cap;
  private final long spread;
  private final Jitter jitter;

  RecoveryBackoff(SessionSettings settings, Jitter jitter) {
    this.base = settings.reconnectDelay().toNanos();
    this.cap = settings.breakerOpenWait().toNanos();
    this.spread = settings.recoverySpread().toNanos();
    this.jitter = jitter;
  }

  long afterFailure(int consecutiveFailures, DeepgramFailure failure) {
    long delay;
    if (failure == DeepgramFailure.PERMANENT) {
      delay = cap;
    } else {
      int shift = Math.min(Math.max(0, consecutiveFailures - 1), 16);
      delay = Math.min(base << shift, cap);
    }
    return delay + jitter.below(delay / 4);
  }

  long afterDenied() {
    return Math.max(MIN_AFTER_DENIED_NANOS, jitter.below(spread));
  }

  long spread() {
    return jitter.below(spread);
  }
}
