package dev.rstt.gateway.limits;

/**
 * A token bucket, pure (the caller passes the time): full at {@code burst}, one token back per {@code refillNanos}.
 * The per-user connect rate ({@link ConnectionLimiter}) and the per-address one ({@link AddressRate}) each keep one
 * per key.
 */
final class TokenBucket {

  private final int burst;
  private final long refillNanos;
  private double tokens;
  private long refilledAtNanos;

  TokenBucket(int burst, long refillNanos, long now) {
    this.burst = burst;
    this.refillNanos = refillNanos;
    this.tokens = burst;
    this.refilledAtNanos = now;
  }

  /**
   * Refills for the time passed, then takes a token: 0 when taken, otherwise how long (ns) until one is there (and
   * nothing is taken).
   */
  long take(long now) {
    refill(now);
    if (tokens < 1.0) {
      return (long) Math.ceil((1.0 - tokens) * refillNanos);
    }
    tokens -= 1.0;
    return 0;
  }

  /** Refills for the time passed and says whether the bucket is full again (nothing to remember for its key). */
  boolean full(long now) {
    refill(now);
    return tokens >= burst;
  }

  private void refill(long now) {
    long elapsed = now - refilledAtNanos;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + (double) elapsed / refillNanos);
      refilledAtNanos = now;
    }
  }
}
