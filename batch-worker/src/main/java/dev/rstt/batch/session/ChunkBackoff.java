package dev.rstt.batch.session;

/**
 * How long a batch chunk waits before going to Deepgram again after a failed round (its request's own retries
 * exhausted): exponential per failed round from {@code retryInitial} by {@code retryMultiplier}, spread by
 * {@code ±retryJitter} of itself, never above {@code retryMax}. Pure: the spread is drawn from an injected
 * {@link Jitter}.
 */
final class ChunkBackoff {

  /** Rounds past this one wait as long as it (the cap is reached long before). */
  private static final int MAX_ROUND = 30;

  private final long initial;
  private final double multiplier;
  private final double jitter;
  private final long max;
  private final Jitter random;

  ChunkBackoff(BatchSettings settings, Jitter random) {
    this.initial = settings.retryInitial().toNanos();
    this.multiplier = settings.retryMultiplier();
    this.jitter = settings.retryJitter();
    this.max = settings.retryMax().toNanos();
    this.random = random;
  }

  /** The wait after failed round {@code round} (1-based), in nanoseconds. */
  long delay(int round) {
    int n = Math.max(1, Math.min(round, MAX_ROUND));
    double base = Math.min((double) max, initial * Math.pow(multiplier, n - 1));
    long spread = (long) (base * jitter);
    long delay = (long) base - spread + random.below(2 * spread + 1);
    return Math.max(0, Math.min(max, delay));
  }
}
